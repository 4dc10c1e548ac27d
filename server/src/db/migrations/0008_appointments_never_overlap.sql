-- No provider (and no patient) holds two overlapping booked appointments: PostgreSQL itself
-- enforces it, whatever the application does, so two simultaneous bookings of one slot
-- cannot both succeed (the loser gets SQLSTATE 23P01). Hand-written: drizzle-kit does not
-- model exclusion constraints. btree_gist lets a GiST index compare the uuid with `=`.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_provider_no_overlap"
  EXCLUDE USING gist (
    "provider_user_id" WITH =,
    tstzrange("blocked_from", "blocked_until", '[)') WITH &&
  ) WHERE ("status" = 'booked');
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_patient_no_overlap"
  EXCLUDE USING gist (
    "patient_user_id" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("status" = 'booked');
