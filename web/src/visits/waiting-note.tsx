import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { visitSchema, type Visit } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { SuccessNotice } from '../shell/live-region';

const SUGGESTED = "I'm running about 10 minutes late. Thank you for waiting.";

/** The provider tells a waiting patient something ("running late"); they see it at once. */
export function WaitingNoteButton({ clinicId, visit }: { clinicId: string; visit: Visit }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(visit.providerNote ?? SUGGESTED);
  const [notice, setNotice] = useState('');
  const save = useMutation({
    mutationFn: (note: string | null) =>
      apiSend(
        'PUT',
        `/api/clinics/${clinicId}/visits/${visit.id}/waiting-note`,
        { note },
        visitSchema,
      ),
    onSuccess: (saved) => {
      setOpen(false);
      setNotice(
        saved.providerNote
          ? `${visit.patient.displayName} now sees your note.`
          : `Your note to ${visit.patient.displayName} was removed.`,
      );
    },
  });
  return (
    <>
      <Button
        size="xs"
        variant="default"
        aria-label={`Send ${visit.patient.displayName} a note`}
        onClick={() => setOpen(true)}
      >
        Send a note
      </Button>
      <SuccessNotice message={notice} />
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`A note for ${visit.patient.displayName}`}
      >
        <Stack gap="md">
          <Textarea
            label="Shown in their waiting room"
            description="No health details: say when you will be with them."
            value={text}
            maxLength={200}
            autosize
            minRows={2}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          {save.isError && (
            <Alert color="red" title={describeError(save.error).title}>
              {describeError(save.error).message}
            </Alert>
          )}
          <Group justify="flex-end">
            {visit.providerNote && (
              <Button variant="default" onClick={() => save.mutate(null)}>
                Remove the note
              </Button>
            )}
            <Button loading={save.isPending} onClick={() => save.mutate(text.trim() || null)}>
              Show it to {visit.patient.displayName}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
