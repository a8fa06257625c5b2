#!/bin/sh
# Run by the postgres image when it creates the data directory: the standby of the
# compose file's read-replica profile connects as the database owner (a superuser,
# so it may replicate) from any address on the compose network.
set -eu
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
