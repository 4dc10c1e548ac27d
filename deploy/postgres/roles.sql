-- OpenVisit database and roles (PostgreSQL 15+).
--
-- Run once as a superuser, or as an admin role with CREATEROLE and CREATEDB (the usual
-- case on managed PostgreSQL), connected to any existing database such as `postgres`. Safe to run again: it creates what is missing,
-- resets both passwords and re-applies every grant.
--
--   psql "postgres://postgres@db-host/postgres" \
--     -v owner_password="$OPENVISIT_OWNER_PASSWORD" \
--     -v app_password="$OPENVISIT_APP_PASSWORD" \
--     -v db_name=openvisit \
--     -f deploy/postgres/roles.sql
--
-- Passwords come in as psql variables so they are never written in this file or in shell
-- history as SQL. They are sent to the server as literals: keep `log_statement` below
-- `ddl` while this runs if the server log must not hold them.
--
-- openvisit_owner  owns the database and the public schema; the app's migrations run as
--                  this role (MIGRATION_DATABASE_URL). It may create trusted extensions
--                  such as btree_gist and pgcrypto, because it owns the database.
-- openvisit_app    the role the running app uses (DATABASE_URL): it reads and writes rows,
--                  never changes the schema.

\set ON_ERROR_STOP on

\if :{?owner_password}
\else
  \warn 'roles.sql: pass -v owner_password=...'
  DO $$ BEGIN RAISE EXCEPTION 'psql variable owner_password is not set'; END $$;
\endif
\if :{?app_password}
\else
  \warn 'roles.sql: pass -v app_password=...'
  DO $$ BEGIN RAISE EXCEPTION 'psql variable app_password is not set'; END $$;
\endif
\if :{?db_name}
\else
  \set db_name openvisit
\endif

-- Roles --------------------------------------------------------------------------------

SELECT 'CREATE ROLE openvisit_owner'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'openvisit_owner')
\gexec
SELECT 'CREATE ROLE openvisit_app'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'openvisit_app')
\gexec

-- New roles get NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS by default.
-- Only LOGIN and the password are set here: a non-superuser admin may not even restate
-- the superuser-only attributes. The check below refuses roles that carry more.
ALTER ROLE openvisit_owner WITH LOGIN PASSWORD :'owner_password';
ALTER ROLE openvisit_app WITH LOGIN PASSWORD :'app_password';

DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_roles
    WHERE rolname IN ('openvisit_owner', 'openvisit_app')
      AND (rolsuper OR rolbypassrls OR rolreplication OR rolcreaterole OR rolcreatedb)
  ) THEN
    RAISE EXCEPTION 'openvisit_owner and openvisit_app must not be superuser, replication, '
      'bypassrls, createrole or createdb roles: fix them with ALTER ROLE as a superuser';
  END IF;
END
$$;

-- Managed services (RDS, Cloud SQL, Azure) run this as an admin that is not a superuser:
-- it must be a member of openvisit_owner to create the database for it, hand it the schema
-- and set its default privileges.
SELECT 'GRANT openvisit_owner TO ' || quote_ident(current_user)
WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
  AND NOT pg_has_role(current_user, 'openvisit_owner', 'MEMBER')
\gexec

-- A runaway query or a forgotten transaction must not hold locks that block migrations
-- or other requests for long. The app may still lower these per transaction.
ALTER ROLE openvisit_app SET statement_timeout = '30s';
ALTER ROLE openvisit_app SET idle_in_transaction_session_timeout = '60s';

-- Database -----------------------------------------------------------------------------

SELECT format('CREATE DATABASE %I OWNER openvisit_owner ENCODING %L TEMPLATE template0',
              :'db_name', 'UTF8')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db_name')
\gexec

ALTER DATABASE :"db_name" OWNER TO openvisit_owner;

-- Nobody connects or creates temporary tables unless granted here.
REVOKE ALL ON DATABASE :"db_name" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db_name" TO openvisit_app;
-- The owner keeps every database privilege as owner: CREATE lets migrations add schemas
-- and trusted extensions. The migration journal (public.schema_migrations) is the owner's
-- alone: every migration run (at start, or `--role=migrate`) revokes all privileges on it
-- from every other role.

-- Schema and object privileges, inside the database ------------------------------------

\connect :"db_name"

ALTER SCHEMA public OWNER TO openvisit_owner;
-- PostgreSQL 15 already removed CREATE on public from PUBLIC; older clusters upgraded
-- with pg_upgrade keep the old grant, so revoke it explicitly.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM openvisit_app;
GRANT USAGE ON SCHEMA public TO openvisit_app;

-- Objects that already exist (a re-run after migrations have been applied). This includes
-- the migration journal; the next migration run takes that grant back, so run
-- `node server/dist/main.js --role=migrate` after re-running this script.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO openvisit_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO openvisit_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO openvisit_app;

-- Objects that later migrations create as openvisit_owner. Default privileges attach to
-- the role that creates the object, so migrations must run as openvisit_owner itself
-- (not as a superuser) for these to apply.
ALTER DEFAULT PRIVILEGES FOR ROLE openvisit_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO openvisit_app;
ALTER DEFAULT PRIVILEGES FOR ROLE openvisit_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO openvisit_app;
ALTER DEFAULT PRIVILEGES FOR ROLE openvisit_owner IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO openvisit_app;
-- Enum and domain types: USAGE is granted to PUBLIC by default; nothing to add.

-- If a later component keeps its tables in a schema of its own (a job queue, say),
-- create that schema in a migration as openvisit_owner and grant the app USAGE on it
-- plus the same default privileges IN SCHEMA that_schema.

\echo 'openvisit roles ready: database' :"db_name" 'owned by openvisit_owner, app role openvisit_app'
