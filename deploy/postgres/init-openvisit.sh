#!/bin/sh
# Runs once, when the official postgres image initialises an empty data directory
# (mounted into /docker-entrypoint-initdb.d by deploy/compose.yaml). It applies roles.sql
# with the passwords from the container's environment. The entrypoint may source this
# file instead of executing it, so it avoids `set -u` and `exit`.
: "${OPENVISIT_OWNER_PASSWORD:?OPENVISIT_OWNER_PASSWORD must be set}"
: "${OPENVISIT_APP_PASSWORD:?OPENVISIT_APP_PASSWORD must be set}"

psql --no-psqlrc --set ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set owner_password="$OPENVISIT_OWNER_PASSWORD" \
  --set app_password="$OPENVISIT_APP_PASSWORD" \
  --set db_name="${OPENVISIT_DB:-openvisit}" \
  --file /opt/openvisit/roles.sql
