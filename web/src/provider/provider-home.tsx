import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function ProviderHome() {
  const sessionState = useSession();
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Provider" />
      <Title order={1}>Provider workspace</Title>
      {sessionState.status === 'signed-in' ? (
        <Text>
          Welcome, {sessionState.session.user.displayName}. Today&apos;s schedule, your waiting room
          and unsigned visit notes will appear here.
        </Text>
      ) : (
        <Text>
          Today&apos;s schedule, your waiting room and unsigned visit notes will appear here once
          you <TextLink to="/sign-in?next=/provider">sign in</TextLink> with your clinic account.
        </Text>
      )}
      {sessionState.status === 'signed-in' && (
        <Text>
          Your visits, week by week, are on your{' '}
          <TextLink to="/provider/calendar">Calendar</TextLink>; your hours and time off on{' '}
          <TextLink to="/provider/availability">Availability</TextLink>.
        </Text>
      )}
      {sessionState.status === 'signed-in' && (
        <Text>
          The patients you care for, and their care teams, are on the{' '}
          <TextLink to="/clinic/patients">Patients</TextLink> page. What patients read about you
          (your photo, bio and languages) and your state licenses are on{' '}
          <TextLink to="/provider/profile">My profile</TextLink>.
        </Text>
      )}
      {sessionState.status === 'signed-in' && (
        <Text>
          Patients who checked in for a video visit wait in your{' '}
          <TextLink to="/provider/waiting-room">Waiting room</TextLink>; admit them from there.
        </Text>
      )}
    </Stack>
  );
}
