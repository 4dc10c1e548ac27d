import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { VisitNoteFields, VisitNoteVersion } from '@openvisit/contracts';
import { ApiProblem } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import { DateTime } from '../shell/format-time';
import { noteKey, noteQuery, saveDraft, signDraft } from './note-queries';

/*
 * The provider's note beside the call (and after it): SOAP sections and the after-visit
 * summary, autosaved a moment after each change. Every save names the revision it started
 * from; when another window saved first, the editor stops and says so rather than overwrite.
 * Signing locks the version; later changes are an amendment with a reason.
 */

const AUTOSAVE_MS = 1_200;

const sections: { name: keyof VisitNoteFields; label: string; rows: number; hint?: string }[] = [
  { name: 'subjective', label: 'Subjective', rows: 3, hint: 'What the patient reports.' },
  { name: 'objective', label: 'Objective', rows: 3, hint: 'What you observed or measured.' },
  { name: 'assessment', label: 'Assessment', rows: 3 },
  { name: 'plan', label: 'Plan', rows: 3 },
  {
    name: 'patientSummary',
    label: 'Summary for the patient',
    rows: 3,
    hint: 'Plain words: the patient reads this once the note is signed.',
  },
  { name: 'followUp', label: 'Follow-up instructions', rows: 2 },
];

const emptyFields: VisitNoteFields = {
  subjective: '',
  objective: '',
  assessment: '',
  plan: '',
  patientSummary: '',
  followUp: '',
};

const fieldsOf = (v: VisitNoteVersion): VisitNoteFields => ({
  subjective: v.subjective,
  objective: v.objective,
  assessment: v.assessment,
  plan: v.plan,
  patientSummary: v.patientSummary,
  followUp: v.followUp,
});

export function VisitNoteEditor({ clinicId, visitId }: { clinicId: string; visitId: string }) {
  const note = useQuery(noteQuery(clinicId, visitId));
  if (note.isPending) return <Loader size="sm" aria-label="Loading the note" />;
  if (note.isError) {
    return (
      <Alert color="red" title={describeError(note.error).title}>
        {describeError(note.error).message}
      </Alert>
    );
  }
  const versions = note.data.versions;
  const last = versions.at(-1);
  const signed = versions.filter((v) => v.status === 'signed');
  return (
    <NoteForm
      // A reload (after a conflict) starts the form again from what the server holds.
      key={`${last?.version ?? 0}:${last?.revision ?? 0}:${note.dataUpdatedAt}`}
      clinicId={clinicId}
      visitId={visitId}
      draft={last?.status === 'draft' ? last : undefined}
      latestSigned={signed.at(-1)}
    />
  );
}

function NoteForm(props: {
  clinicId: string;
  visitId: string;
  draft: VisitNoteVersion | undefined;
  latestSigned: VisitNoteVersion | undefined;
}) {
  const { clinicId, visitId, draft, latestSigned } = props;
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(draft !== undefined || latestSigned === undefined);
  const [fields, setFields] = useState<VisitNoteFields>(
    draft ? fieldsOf(draft) : latestSigned ? fieldsOf(latestSigned) : emptyFields,
  );
  const [reason, setReason] = useState(draft?.amendmentReason ?? '');
  const amending = (draft?.version ?? (latestSigned ? latestSigned.version + 1 : 1)) > 1;
  const [status, setStatus] = useState(draft ? 'Draft saved.' : '');
  const [conflict, setConflict] = useState(false);
  const [errors, setErrors] = useState<FieldMessages>({});
  const [signError, setSignError] = useState('');
  const [signing, setSigning] = useState(false);

  // The save loop: one request at a time; changes made meanwhile go in the next one.
  const revision = useRef(draft?.revision ?? 0);
  const latest = useRef({ fields, reason });
  const dirty = useRef(false);
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    while (inFlight.current) await inFlight.current;
    if (!dirty.current) return true;
    dirty.current = false;
    setStatus('Saving…');
    let ok = true;
    inFlight.current = (async () => {
      try {
        const saved = await saveDraft(clinicId, visitId, {
          ...latest.current.fields,
          amendmentReason: latest.current.reason.trim() || null,
          expectedRevision: revision.current,
        });
        revision.current = saved.revision;
        setStatus(`Draft saved at ${new Date(saved.updatedAt).toLocaleTimeString()}.`);
      } catch (failure) {
        ok = false;
        if (failure instanceof ApiProblem && failure.status === 409) {
          setConflict(true);
          setStatus('');
        } else {
          dirty.current = true;
          setStatus(`Not saved: ${describeError(failure).message}`);
        }
      } finally {
        inFlight.current = undefined;
      }
    })();
    await inFlight.current;
    return ok;
  }, [clinicId, visitId]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const change = (next: { fields?: VisitNoteFields; reason?: string }) => {
    const value = { fields: next.fields ?? fields, reason: next.reason ?? reason };
    if (next.fields) setFields(next.fields);
    if (next.reason !== undefined) setReason(next.reason);
    latest.current = value;
    dirty.current = true;
    setStatus('Changes not saved yet…');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
  };

  const reload = () => void queryClient.invalidateQueries({ queryKey: noteKey(clinicId, visitId) });

  const sign = async () => {
    setSignError('');
    setErrors({});
    if (!(await flush())) return;
    if (revision.current === 0) {
      setSignError('Write the note before signing it.');
      return;
    }
    setSigning(true);
    try {
      await signDraft(clinicId, visitId, revision.current);
      reload();
    } catch (failure) {
      setErrors(bodyFieldErrors(failure));
      setSignError(describeError(failure).message);
    } finally {
      setSigning(false);
    }
  };

  if (!editing && latestSigned) {
    return (
      <Stack gap="sm" component="section" aria-labelledby="note-heading">
        <Title order={2} id="note-heading">
          Visit note
        </Title>
        <Text>
          Signed by {latestSigned.signedBy?.displayName} on{' '}
          <DateTime iso={latestSigned.signedAt!} />
          {latestSigned.version > 1 ? ` (amendment ${latestSigned.version - 1})` : ''}.
        </Text>
        <dl>
          {sections.map((s) => (
            <div key={s.name}>
              <dt>
                <Text fw={600}>{s.label}</Text>
              </dt>
              <dd>
                <Text style={{ whiteSpace: 'pre-wrap' }}>{latestSigned[s.name] || '—'}</Text>
              </dd>
            </div>
          ))}
        </dl>
        <Group>
          <Button variant="default" onClick={() => setEditing(true)}>
            Amend the note
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack gap="sm" component="section" aria-labelledby="note-heading">
      <Title order={2} id="note-heading">
        {amending ? 'Amend the visit note' : 'Visit note'}
      </Title>
      {conflict && (
        <Alert color="yellow" title="This note was saved in another window">
          <Stack gap="xs" align="flex-start">
            <Text inherit>
              Your latest changes here were not saved, so nothing was overwritten.
            </Text>
            <Button size="xs" onClick={reload}>
              Load the saved note
            </Button>
          </Stack>
        </Alert>
      )}
      {amending && (
        <Textarea
          label="Reason for the amendment"
          required
          autosize
          minRows={1}
          value={reason}
          error={errors.amendmentReason}
          disabled={conflict}
          onChange={(event) => change({ reason: event.currentTarget.value })}
        />
      )}
      {sections.map((s) => (
        <Textarea
          key={s.name}
          label={s.label}
          description={s.hint}
          autosize
          minRows={s.rows}
          value={fields[s.name]}
          error={errors[s.name]}
          disabled={conflict}
          onChange={(event) =>
            change({ fields: { ...fields, [s.name]: event.currentTarget.value } })
          }
        />
      ))}
      <Text size="sm" c="dimmed" role="status" aria-live="polite" data-testid="note-save-status">
        {status}
      </Text>
      {signError && (
        <Alert color="red" title="Not signed">
          {signError}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void sign()} loading={signing} disabled={conflict}>
          {amending ? 'Sign the amendment' : 'Sign the note'}
        </Button>
      </Group>
    </Stack>
  );
}
