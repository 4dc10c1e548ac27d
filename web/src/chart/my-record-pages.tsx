import type { ReactNode } from 'react';
import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { PageTitle } from '../shell/page-title';
import { CorrectionsSection } from './corrections-section';
import { HealthHistorySection } from './health-history-section';
import { InsuranceSection } from './insurance-section';
import { ProfileForm } from './profile-form';

/** The signed-in patient's own record: their clinic and their user id. */
export function useOwnRecord(): { clinicId: string; patientId: string } | undefined {
  const state = useSession();
  if (state.status !== 'signed-in') return undefined;
  const membership = state.session.memberships.find((m) => m.role === 'patient');
  return membership
    ? { clinicId: membership.organizationId, patientId: state.session.user.id }
    : undefined;
}

function OwnRecordPage(props: {
  title: string;
  intro: string;
  children: (record: { clinicId: string; patientId: string }) => ReactNode;
}) {
  const record = useOwnRecord();
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title={props.title} />
      <Title order={1}>{props.title}</Title>
      <Text>{props.intro}</Text>
      {record ? props.children(record) : <Text>Only patients have a record here.</Text>}
    </Stack>
  );
}

export function MyProfilePage() {
  return (
    <OwnRecordPage
      title="My details"
      intro="Your name, contact details and where you are. Each change is kept, so nothing is lost."
    >
      {(r) => <ProfileForm {...r} own />}
    </OwnRecordPage>
  );
}

export function MyHealthPage() {
  return (
    <OwnRecordPage
      title="My health history"
      intro="Allergies, medications and conditions. Your care team sees what you add here, marked as reported by you."
    >
      {(r) => <HealthHistorySection {...r} own />}
    </OwnRecordPage>
  );
}

export function MyInsurancePage() {
  return (
    <OwnRecordPage
      title="My insurance"
      intro="Your insurance card details. The member ID is stored encrypted."
    >
      {(r) => <InsuranceSection {...r} own />}
    </OwnRecordPage>
  );
}

export function MyCorrectionsPage() {
  return (
    <OwnRecordPage
      title="Correct my record"
      intro="You have the right to ask your clinic to amend information in your record."
    >
      {(r) => <CorrectionsSection {...r} audience="patient" />}
    </OwnRecordPage>
  );
}
