import { Button, Group } from '@mantine/core';
import { dayAndTimeLabel } from './zoned-time';

/** "Continue with <time>", kept in view at the bottom of the window: the list of times is long. */
export function ContinueBar(props: { startsAt: string; zone: string; onContinue: () => void }) {
  return (
    <Group
      py="sm"
      style={{
        position: 'sticky',
        bottom: 0,
        background: 'var(--mantine-color-body)',
        borderTop: '1px solid var(--mantine-color-default-border)',
      }}
    >
      <Button onClick={props.onContinue}>
        Continue with {dayAndTimeLabel(props.startsAt, props.zone)}
      </Button>
    </Group>
  );
}
