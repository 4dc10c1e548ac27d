-- The HIPAA audit trail (hand-written: drizzle-kit does not model partitioned tables or
-- triggers). Append-only, hash-chained, partitioned by month. See docs/audit.md.

CREATE TABLE "audit_events" (
	"seq" bigint NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_user_id" uuid,
	"actor_role" text,
	"organization_id" uuid,
	"session_id" uuid,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text,
	"patient_id" uuid,
	"outcome" text NOT NULL,
	"basis" text,
	"client_ip" text,
	"user_agent" text,
	"request_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	PRIMARY KEY ("recorded_at", "seq")
) PARTITION BY RANGE ("recorded_at");
--> statement-breakpoint
CREATE INDEX "audit_events_seq_idx" ON "audit_events" ("seq");
--> statement-breakpoint
CREATE INDEX "audit_events_patient_idx" ON "audit_events" ("patient_id", "recorded_at");
--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" ("actor_user_id", "recorded_at");
--> statement-breakpoint
CREATE INDEX "audit_events_org_idx" ON "audit_events" ("organization_id", "recorded_at");
--> statement-breakpoint
-- Anything outside the monthly partitions still lands somewhere: an audit write never fails
-- for want of a partition.
CREATE TABLE "audit_events_default" PARTITION OF "audit_events" DEFAULT;
--> statement-breakpoint
-- The head of the chain: writers lock this row, so events from every instance form one
-- chain in one order.
CREATE TABLE "audit_chain_head" (
	"id" integer PRIMARY KEY CHECK ("id" = 1),
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "audit_chain_head" ("id", "seq", "hash")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
CREATE FUNCTION "audit_events_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
-- Row triggers on a partitioned table apply to every partition, present and future.
CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
FOR EACH ROW EXECUTE FUNCTION "audit_events_immutable"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_immutable"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_default_no_truncate" BEFORE TRUNCATE ON "audit_events_default"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_immutable"();
--> statement-breakpoint
-- Creates the monthly partitions from `from_month` to `months_ahead` months after now, each
-- with its TRUNCATE guard, and takes UPDATE, DELETE and TRUNCATE on the trail back from
-- every role but the owner (default privileges grant them on new tables). Run by every
-- migration run (as the owner); the app role cannot create tables.
CREATE FUNCTION "audit_ensure_partitions"(from_month date, months_ahead integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  last_month date := (date_trunc('month', now()) + make_interval(months => months_ahead))::date;
  part text;
  r record;
BEGIN
  WHILE m <= last_month LOOP
    part := format('audit_events_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
        part, m::timestamptz, (m + interval '1 month')::timestamptz);
      EXECUTE format(
        'CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I '
        'FOR EACH STATEMENT EXECUTE FUNCTION audit_events_immutable()', part);
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  FOR r IN
    SELECT DISTINCT grantee, table_name FROM information_schema.role_table_grants
    WHERE table_schema = current_schema() AND table_name LIKE 'audit\_events%'
      AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
      AND grantee <> current_user
  LOOP
    IF r.grantee = 'PUBLIC' THEN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', r.table_name);
    ELSE
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', r.table_name, r.grantee);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION "audit_ensure_partitions"(date, integer) FROM PUBLIC;
--> statement-breakpoint
SELECT "audit_ensure_partitions"('2026-01-01', 24);
