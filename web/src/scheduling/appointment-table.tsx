import { useState } from 'react';
import { Anchor, Button, Group, Modal, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { appointmentSchema, type Appointment } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { BookingProblem } from './booking-problem';
import { appointmentPath } from './scheduling-queries';
import { modalityLabel, statusLabel } from './visit-labels';
import { dayAndTimeLabel, timeLabel } from './zoned-time';

/**
 * A workforce list of appointments (one day or one provider's): patients link to their
 * chart; a booked visit whose start has passed can be marked as missed.
 */
export function AppointmentTable(props: {
  clinicId: string;
  appointments: Appointment[];
  zone: string;
  showProvider?: boolean;
  onChanged: () => void;
}) {
  const { clinicId, zone } = props;
  const [marking, setMarking] = useState<Appointment>();
  const [now] = useState(() => Date.now());
  const noShow = useMutation({
    mutationFn: (a: Appointment) =>
      apiSend(
        'POST',
        `${appointmentPath(clinicId, a.patient.id, a.id)}/no-show`,
        undefined,
        appointmentSchema,
      ),
    onSuccess: () => {
      setMarking(undefined);
      noShow.reset();
      props.onChanged();
    },
  });

  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Patient</Table.Th>
              {props.showProvider && <Table.Th>Provider</Table.Th>}
              <Table.Th>Visit</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.appointments.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <time dateTime={a.startsAt}>{timeLabel(a.startsAt, zone)}</time>–
                  <time dateTime={a.endsAt}>{timeLabel(a.endsAt, zone)}</time>
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={`/clinic/${encodeURIComponent(clinicId)}/patients/${encodeURIComponent(a.patient.id)}`}
                    underline="always"
                  >
                    {a.patient.displayName}
                  </Anchor>
                </Table.Td>
                {props.showProvider && <Table.Td>{a.provider.displayName}</Table.Td>}
                <Table.Td>
                  {a.visitType.name}
                  <Text size="sm" c="dimmed">
                    {modalityLabel[a.visitType.modality]}
                  </Text>
                </Table.Td>
                <Table.Td>{statusLabel(a)}</Table.Td>
                <Table.Td>
                  {a.status === 'booked' && Date.parse(a.startsAt) <= now && (
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={`Mark ${a.patient.displayName} as missed`}
                      onClick={() => setMarking(a)}
                    >
                      Mark as missed
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={marking !== undefined}
        onClose={() => {
          noShow.reset();
          setMarking(undefined);
        }}
        title="Mark this visit as missed?"
        closeButtonProps={{ 'aria-label': 'Cancel' }}
      >
        {marking && (
          <Stack gap="md">
            <Text>
              {marking.patient.displayName} did not join the {marking.visitType.name} of{' '}
              {dayAndTimeLabel(marking.startsAt, zone)}. The visit is kept as missed and its time
              freed.
            </Text>
            {noShow.isError && <BookingProblem error={noShow.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setMarking(undefined)}>
                Cancel
              </Button>
              <Button loading={noShow.isPending} onClick={() => noShow.mutate(marking)}>
                Mark as missed
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
