import { Anchor, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { providersQuery } from '../care/care-queries';

/** One "Hours" link per active provider, for the front desk's schedule page. */
export function ProviderHoursLinks({ clinicId }: { clinicId: string }) {
  const providers = useQuery(providersQuery(clinicId));
  if (!providers.data?.providers.length) return null;
  return (
    <Group gap="md" component="nav" aria-label="Providers' hours">
      <Text fw={600}>Providers&apos; hours:</Text>
      {providers.data.providers.map((provider) => (
        <Anchor
          key={provider.id}
          component={Link}
          to={`/clinic/providers/${encodeURIComponent(provider.id)}/availability`}
          underline="always"
        >
          {provider.displayName}&apos;s hours
        </Anchor>
      ))}
    </Group>
  );
}
