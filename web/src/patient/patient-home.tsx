import { List, Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { ConsentsLink } from '../consents/consents-link';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function PatientHome() {
  const sessionState = useSession();
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Patient" />
      <Title order={1}>Patient area</Title>
      {sessionState.status === 'signed-in' ? (
        <Text>
          Welcome, {sessionState.session.user.displayName}. Your upcoming visits, messages from your
          care team and your records will appear here.
        </Text>
      ) : (
        <Text>
          Your upcoming visits, messages from your care team and your records will appear here once
          you <TextLink to="/sign-in?next=/patient">sign in</TextLink>. New here?{' '}
          <TextLink to="/register">Create an account</TextLink>.
        </Text>
      )}
      {sessionState.status === 'signed-in' && (
        <Text>
          <TextLink to="/patient/book">Book a visit</TextLink> or see{' '}
          <TextLink to="/patient/visits">My visits</TextLink>.
        </Text>
      )}
      {sessionState.status === 'signed-in' && (
        <Text>
          Seeing a provider soon? Fill in a{' '}
          <TextLink to="/patient/intake">pre-visit questionnaire</TextLink> so they can prepare.
        </Text>
      )}
      {sessionState.status === 'signed-in' && (
        <section aria-labelledby="your-record-heading">
          <Title order={2} size="h3" id="your-record-heading">
            Your record
          </Title>
          <List spacing="xs">
            <List.Item>
              <TextLink to="/patient/profile">My details</TextLink>: name, contact, state and time
              zone
            </List.Item>
            <List.Item>
              <TextLink to="/patient/health">Health history</TextLink>: allergies, medications,
              conditions
            </List.Item>
            <List.Item>
              <TextLink to="/patient/insurance">Insurance</TextLink>
            </List.Item>
            <List.Item>
              <TextLink to="/patient/documents">My documents</TextLink>: lab results, referrals,
              insurance cards
            </List.Item>
            <List.Item>
              <TextLink to="/patient/corrections">Correct my record</TextLink>
            </List.Item>
            <List.Item>
              <ConsentsLink />
            </List.Item>
            <List.Item>
              <TextLink to="/patient/access-history">Access history</TextLink>: who looked at your
              record
            </List.Item>
          </List>
        </section>
      )}
      <Text c="dimmed">Video visits arrive in the next releases.</Text>
    </Stack>
  );
}
