import { useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  validateIntakeAnswers,
  visibleQuestionIds,
  type IntakeAnswerIssue,
  type IntakeForm,
  type IntakeResponse,
} from '@openvisit/contracts';
import { ApiProblem } from '../api/client';
import { describeError } from '../api/describe-error';
import { useDraft } from '../shell/drafts';
import { LiveRegion } from '../shell/live-region';
import { intakeResponsesQuery, submitIntakeResponse } from './intake-queries';
import { QuestionInput, type DraftAnswer, type DraftAnswers } from './question-input';

/** Today in the viewer's own calendar, as `YYYY-MM-DD`. */
function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The server's field errors (`body.answers.<questionId>`) as issues. */
function serverIssues(error: unknown): IntakeAnswerIssue[] {
  if (!(error instanceof ApiProblem)) return [];
  return error.fieldErrors
    .filter((e) => e.path.startsWith('body.answers.'))
    .map((e) => ({ questionId: e.path.slice('body.answers.'.length), message: e.message }));
}

/**
 * A questionnaire to fill in, rendered from its data. Answers are checked as the server
 * checks them (shared validator) once a submit has been tried, and kept as a draft so an
 * idle sign-out loses nothing. Follow-up questions appear as their answers call for them.
 */
export function IntakeFormFill({
  clinicId,
  patientId,
  form,
  appointmentId,
  onSubmitted,
}: {
  clinicId: string;
  patientId: string;
  form: IntakeForm;
  appointmentId?: string;
  onSubmitted: (response: IntakeResponse) => void;
}) {
  const queryClient = useQueryClient();
  const [answers, setAnswers] = useDraft<DraftAnswers>(`intake:${form.id}`, {});
  const [attempted, setAttempted] = useState(false);
  const inputs = useRef(new Map<string, HTMLElement | null>());
  const today = localToday();

  const focusFirst = (issues: IntakeAnswerIssue[]) => {
    // Focus reads the question and its error out; a screen-reader user lands on the fix.
    for (const issue of issues) {
      const input = inputs.current.get(issue.questionId);
      if (input) {
        input.focus();
        return;
      }
    }
  };

  // One key per submission: a retry after a lost answer is recognised, not stored twice.
  const [submissionKey, setSubmissionKey] = useState(() => crypto.randomUUID());
  const submit = useMutation({
    mutationFn: (body: Parameters<typeof submitIntakeResponse>[2]) =>
      submitIntakeResponse(clinicId, patientId, body, submissionKey),
    onSuccess: (response) => {
      setSubmissionKey(crypto.randomUUID());
      setAnswers({});
      setAttempted(false);
      void queryClient.invalidateQueries({
        queryKey: intakeResponsesQuery(clinicId, patientId).queryKey,
      });
      onSubmitted(response);
    },
    onError: (error) => focusFirst(serverIssues(error)),
  });

  const checked = validateIntakeAnswers(form.questions, answers, { latestDate: today });
  const issues = attempted ? [...checked.issues, ...serverIssues(submit.error)] : [];
  const errorOf = new Map<string, string>();
  for (const issue of issues)
    if (!errorOf.has(issue.questionId)) errorOf.set(issue.questionId, issue.message);
  const shown = visibleQuestionIds(form.questions, answers);

  function change(questionId: string, value: DraftAnswer) {
    setAnswers({ ...answers, [questionId]: value });
    // A server refusal described the answers as they were; the new ones are checked locally.
    if (submit.isError) submit.reset();
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted(true);
    if (checked.issues.length) {
      focusFirst(checked.issues);
      return;
    }
    submit.mutate({
      formId: form.id,
      ...(appointmentId ? { appointmentId } : {}),
      answers: checked.answers,
    });
  }

  const otherFailure = submit.isError && serverIssues(submit.error).length === 0;
  return (
    <form onSubmit={handleSubmit} noValidate aria-label={form.title}>
      <Stack gap="lg">
        <Text size="sm">Questions marked * must be answered.</Text>
        {form.questions
          .filter((question) => shown.has(question.id))
          .map((question) => (
            <QuestionInput
              key={question.id}
              question={question}
              value={answers[question.id]}
              error={errorOf.get(question.id)}
              onChange={(value) => change(question.id, value)}
              inputRef={(element) => {
                inputs.current.set(question.id, element);
              }}
              today={today}
            />
          ))}
        <LiveRegion>
          {issues.length > 0 && (
            <Text c="red.9" fw={600}>
              {issues.length === 1
                ? 'One answer needs attention.'
                : `${issues.length} answers need attention.`}
            </Text>
          )}
        </LiveRegion>
        {otherFailure && (
          <Alert color="red" title={describeError(submit.error).title}>
            {describeError(submit.error).message} Your answers are still here; try again.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={submit.isPending}>
            Send my answers
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
