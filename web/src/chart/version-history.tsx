import { useState } from 'react';
import { Button, List, Modal, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { DateTime } from '../shell/format-time';
import { QueryStatus } from '../shell/query-status';
import { historyQuery } from './chart-queries';
import { fieldLabel } from './chart-labels';

/** A past value as text (history values are strings, numbers or null). */
const shown = (value: unknown): string =>
  value === null || value === undefined || value === ''
    ? '(empty)'
    : JSON.stringify(value).replace(/^"|"$/g, '');

/** A "History" button opening every version of one chart entry: who changed what, when. */
export function VersionHistoryButton(props: {
  clinicId: string;
  patientId: string;
  /** Relative to the patient: `/profile`, `/health-items/<id>`, `/insurance/<id>`. */
  path: string;
  /** What the history is of, for the button's accessible name and the dialog title. */
  subject: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="xs"
        variant="subtle"
        onClick={() => setOpen(true)}
        aria-label={`History of ${props.subject}`}
      >
        History
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`History of ${props.subject}`}
        size="lg"
      >
        {open && <Versions {...props} />}
      </Modal>
    </>
  );
}

function Versions({
  clinicId,
  patientId,
  path,
}: {
  clinicId: string;
  patientId: string;
  path: string;
}) {
  const history = useQuery(historyQuery(clinicId, patientId, path));
  return (
    <Stack gap="md">
      <QueryStatus query={history} loadingLabel="Loading the history…" />
      {history.data?.versions.map((version) => (
        <Stack
          key={version.version}
          gap={4}
          component="section"
          aria-label={`Version ${version.version}`}
        >
          <Text fw={600}>
            Version {version.version}: <DateTime iso={version.recordedAt} />, by{' '}
            {version.recordedBy.displayName}
          </Text>
          {version.changeReason && <Text size="sm">Reason: {version.changeReason}</Text>}
          <List size="sm" spacing={2}>
            {(version.version === 1
              ? version.changed.filter((f) => version.values[f] !== null)
              : version.changed
            ).map((field) => (
              <List.Item key={field}>
                {fieldLabel(field)}: {shown(version.values[field])}
              </List.Item>
            ))}
          </List>
        </Stack>
      ))}
    </Stack>
  );
}
