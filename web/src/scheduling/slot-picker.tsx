import { useId, useState } from 'react';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { QueryStatus } from '../shell/query-status';
import { slotsQuery } from './scheduling-queries';
import {
  dayAndTimeLabel,
  dayLabel,
  groupByDay,
  timeLabel,
  weekWindow,
  zoneLabel,
} from './zoned-time';

export interface ChosenSlot {
  providerId: string;
  providerName: string;
  startsAt: string;
}

/** The demo horizon is 60 days; paging further would only show empty weeks. */
const MAX_WEEKS_AHEAD = 8;

/**
 * Open times, a week at a time, per provider and day, in the patient's zone. Each time is a
 * toggle button named with its day and time ("Tuesday, December 1, 9:00 AM"); the chosen one
 * is pressed.
 */
export function SlotPicker(props: {
  clinicId: string;
  visitTypeId: string;
  state: string | undefined;
  zone: string;
  /** Only this provider's times (moving a visit keeps its provider). */
  providerId?: string;
  selected: ChosenSlot | undefined;
  onSelect: (slot: ChosenSlot) => void;
}) {
  const { clinicId, visitTypeId, state, zone, providerId, selected, onSelect } = props;
  // Fixed once, so the window (and the query's key) stays put while the page is open.
  const [now] = useState(() => DateTime.now());
  const [weeks, setWeeks] = useState(0);
  const range = weekWindow(zone, weeks, now);
  const slots = useQuery(
    slotsQuery(clinicId, {
      visitTypeId,
      from: range.from,
      to: range.to,
      ...(state ? { state } : {}),
      ...(providerId ? { providerId } : {}),
    }),
  );
  const headingId = useId();

  return (
    <Stack gap="md" component="section" aria-labelledby={headingId}>
      <Title order={2} id={headingId}>
        Choose a time
      </Title>
      <Text>Times are shown in {zoneLabel(zone)}.</Text>
      <Group gap="sm" align="center">
        <Button variant="default" disabled={weeks === 0} onClick={() => setWeeks(weeks - 1)}>
          Previous week
        </Button>
        <Text fw={600} aria-live="polite">
          {range.label}
        </Text>
        <Button
          variant="default"
          disabled={weeks >= MAX_WEEKS_AHEAD}
          onClick={() => setWeeks(weeks + 1)}
        >
          Next week
        </Button>
      </Group>
      <QueryStatus query={slots} loadingLabel="Looking for open times…" />
      {slots.data &&
        (slots.data.providers.length === 0 ? (
          <Text>
            No open times from {range.label}. {weeks < MAX_WEEKS_AHEAD ? 'Try the next week.' : ''}
          </Text>
        ) : (
          slots.data.providers.map((provider) => (
            <ProviderTimes
              key={provider.providerId}
              name={provider.displayName}
              slots={provider.slots}
              zone={zone}
              selected={
                selected?.providerId === provider.providerId ? selected.startsAt : undefined
              }
              onSelect={(startsAt) =>
                onSelect({
                  providerId: provider.providerId,
                  providerName: provider.displayName,
                  startsAt,
                })
              }
            />
          ))
        ))}
    </Stack>
  );
}

function ProviderTimes(props: {
  name: string;
  slots: string[];
  zone: string;
  selected: string | undefined;
  onSelect: (startsAt: string) => void;
}) {
  const headingId = useId();
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Title order={3} id={headingId}>
          {props.name}
        </Title>
        {groupByDay(props.slots, props.zone).map(([day, starts]) => (
          <DayTimes
            key={day}
            label={dayLabel(starts[0]!, props.zone)}
            starts={starts}
            zone={props.zone}
            selected={props.selected}
            onSelect={props.onSelect}
          />
        ))}
      </Stack>
    </Card>
  );
}

function DayTimes(props: {
  label: string;
  starts: string[];
  zone: string;
  selected: string | undefined;
  onSelect: (startsAt: string) => void;
}) {
  const headingId = useId();
  return (
    <div role="group" aria-labelledby={headingId}>
      <Title order={4} id={headingId} size="h5" mb={6}>
        {props.label}
      </Title>
      <Group gap="xs">
        {props.starts.map((startsAt) => {
          const chosen = startsAt === props.selected;
          return (
            <Button
              key={startsAt}
              size="compact-sm"
              variant={chosen ? 'filled' : 'default'}
              aria-pressed={chosen}
              aria-label={dayAndTimeLabel(startsAt, props.zone)}
              onClick={() => props.onSelect(startsAt)}
            >
              {timeLabel(startsAt, props.zone)}
            </Button>
          );
        })}
      </Group>
    </div>
  );
}
