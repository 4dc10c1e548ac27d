import { Stack, Text } from '@mantine/core';
import {
  INTAKE_SCALE_MAX,
  visibleQuestionIds,
  type IntakeAnswerValue,
  type IntakeQuestion,
  type IntakeResponse,
} from '@openvisit/contracts';
import classes from './intake.module.css';

// A calendar date has no zone: format it as the date it names, wherever the viewer is.
const calendarDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** An answer in words, as the question it answers puts it (option labels, Yes/No, units). */
export function formatIntakeAnswer(question: IntakeQuestion, value: IntakeAnswerValue): string {
  switch (question.type) {
    case 'single-choice':
      return question.options.find((o) => o.value === value)?.label ?? String(value);
    case 'multi-choice':
      return (Array.isArray(value) ? value : [value])
        .map((v) => question.options.find((o) => o.value === v)?.label ?? String(v))
        .join(', ');
    case 'yes-no':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'number':
      return question.unit ? `${String(value)} ${question.unit}` : String(value);
    case 'date': {
      const [y, m, d] = String(value).split('-').map(Number);
      return y && m && d ? calendarDate.format(Date.UTC(y, m - 1, d)) : String(value);
    }
    case 'scale':
      return `${String(value)} out of ${INTAKE_SCALE_MAX}`;
    default:
      return String(value);
  }
}

/**
 * The questions of the version answered, each with its answer; follow-ups that the answers
 * kept hidden are left out, questions skipped say so.
 */
export function IntakeAnswersView({ response }: { response: IntakeResponse }) {
  const { questions } = response.form;
  const shown = visibleQuestionIds(questions, response.answers);
  return (
    <dl className={classes.answers}>
      {questions
        .filter((q) => shown.has(q.id))
        .map((question) => {
          const value = response.answers[question.id];
          return (
            <Stack key={question.id} gap={2} className={classes.answer}>
              <Text component="dt" fw={600} size="sm">
                {question.label}
              </Text>
              <Text component="dd" className={classes.answerText}>
                {value === undefined ? (
                  <Text span c="dimmed" inherit>
                    Not answered
                  </Text>
                ) : (
                  formatIntakeAnswer(question, value)
                )}
              </Text>
            </Stack>
          );
        })}
    </dl>
  );
}
