import { Button, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';

const areas = [
  {
    to: '/patient',
    title: 'For patients',
    summary: 'Book and join video visits, message your care team and see your records.',
    action: 'Go to the patient area',
  },
  {
    to: '/provider',
    title: 'For providers',
    summary: "Run your day from one place: today's schedule, the waiting room and visit notes.",
    action: 'Go to the provider area',
  },
  {
    to: '/admin',
    title: 'For clinic admins',
    summary: 'Manage people, schedules and the audit trail your compliance work relies on.',
    action: 'Go to the admin area',
  },
];

export function HomePage() {
  return (
    <Stack gap="xl" maw={960}>
      <PageTitle title="Welcome" />
      <Stack gap="sm">
        <Title order={1}>OpenVisit</Title>
        <Text size="lg" maw={680}>
          A self-hostable telehealth platform. Patients book and attend video visits, message their
          care team and see their records; clinics run it on their own servers, built for HIPAA from
          the start.
        </Text>
      </Stack>

      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        {areas.map((area) => (
          <Card key={area.to} withBorder padding="lg" component="section">
            <Stack gap="sm" h="100%" justify="space-between">
              <Stack gap="xs">
                <Title order={2} size="h3">
                  {area.title}
                </Title>
                <Text>{area.summary}</Text>
              </Stack>
              <Button component={Link} to={area.to} variant="filled">
                {area.action}
              </Button>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>

      <Text c="dimmed" size="sm">
        Want to know whether this server is up? See the{' '}
        <TextLink to="/status">system status</TextLink>.
      </Text>
    </Stack>
  );
}
