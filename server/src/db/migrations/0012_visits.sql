CREATE TABLE "visit_chat_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"sender_user_id" uuid NOT NULL,
	"body" text NOT NULL,
	"sequence" bigserial NOT NULL,
	"created_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_encounters" (
	"appointment_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"patient_user_id" uuid NOT NULL,
	"provider_user_id" uuid NOT NULL,
	"state" text NOT NULL,
	"checked_in_at" timestamp with time zone NOT NULL,
	"admitted_at" timestamp with time zone,
	"admitted_by" uuid,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"provider_note" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visit_encounters_state_check" CHECK ("visit_encounters"."state" in ('waiting', 'in-progress', 'completed')),
	CONSTRAINT "visit_encounters_times_check" CHECK (("visit_encounters"."state" = 'waiting' or "visit_encounters"."admitted_at" is not null)
        and ("visit_encounters"."state" <> 'completed' or "visit_encounters"."ended_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "visit_chat_messages" ADD CONSTRAINT "visit_chat_messages_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_chat_messages" ADD CONSTRAINT "visit_chat_messages_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_chat_messages" ADD CONSTRAINT "visit_chat_messages_sender_user_id_users_id_fk" FOREIGN KEY ("sender_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_encounters" ADD CONSTRAINT "visit_encounters_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_encounters" ADD CONSTRAINT "visit_encounters_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_encounters" ADD CONSTRAINT "visit_encounters_patient_user_id_users_id_fk" FOREIGN KEY ("patient_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_encounters" ADD CONSTRAINT "visit_encounters_provider_user_id_users_id_fk" FOREIGN KEY ("provider_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_encounters" ADD CONSTRAINT "visit_encounters_admitted_by_users_id_fk" FOREIGN KEY ("admitted_by") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_encounters" ADD CONSTRAINT "visit_encounters_ended_by_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "visit_chat_messages_visit_idx" ON "visit_chat_messages" USING btree ("appointment_id","sequence");--> statement-breakpoint
CREATE INDEX "visit_encounters_queue_idx" ON "visit_encounters" USING btree ("organization_id","provider_user_id","state");