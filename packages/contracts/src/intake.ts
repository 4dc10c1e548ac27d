import { z } from 'zod';

/*
 * Intake questionnaires are data: a form is a list of typed questions that the web app
 * renders and the server validates answers against. Both use `validateIntakeAnswers` below,
 * so the inline errors a patient sees are the ones the server would answer with.
 */

/** Form slugs, question ids and option values: stable, URL- and path-safe names. */
export const intakeSlugSchema = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and single hyphens')
  .refine(
    (s) => !s.startsWith('-') && !s.endsWith('-') && !s.includes('--'),
    'lowercase letters, digits and single hyphens',
  );

export const intakeQuestionTypes = [
  'short-text',
  'long-text',
  'single-choice',
  'multi-choice',
  'yes-no',
  'number',
  'date',
  'scale',
] as const;
export type IntakeQuestionType = (typeof intakeQuestionTypes)[number];

/** Default and largest lengths of text answers, in characters. */
export const intakeTextLimits = {
  'short-text': { default: 200, max: 500 },
  'long-text': { default: 2000, max: 5000 },
} as const;

/** A scale question is always 0 to 10 (pain, how well one copes...). */
export const INTAKE_SCALE_MAX = 10;

const label = z.string().trim().min(1).max(300);

/** Show a question only when an earlier one was answered with `equals` (or, multi-choice, includes it). */
export const intakeShowIfSchema = z.object({
  questionId: intakeSlugSchema,
  equals: z.union([z.string().max(200), z.number(), z.boolean()]),
});

const questionBase = {
  id: intakeSlugSchema,
  label,
  /** Shown under the label (the input's accessible description). */
  help: z.string().trim().max(1000).optional(),
  required: z.boolean().default(false),
  showIf: intakeShowIfSchema.optional(),
};

export const intakeOptionSchema = z.object({
  value: intakeSlugSchema,
  label: z.string().trim().min(1).max(200),
});
const options = z.array(intakeOptionSchema).min(2).max(50);
const maxLength = (type: 'short-text' | 'long-text') =>
  z.number().int().min(1).max(intakeTextLimits[type].max).optional();

export const intakeQuestionSchema = z.discriminatedUnion('type', [
  z.object({ ...questionBase, type: z.literal('short-text'), maxLength: maxLength('short-text') }),
  z.object({ ...questionBase, type: z.literal('long-text'), maxLength: maxLength('long-text') }),
  z.object({ ...questionBase, type: z.literal('single-choice'), options }),
  z.object({ ...questionBase, type: z.literal('multi-choice'), options }),
  z.object({ ...questionBase, type: z.literal('yes-no') }),
  z.object({
    ...questionBase,
    type: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Whole numbers only (a count of days); otherwise decimals are fine (a temperature). */
    integer: z.boolean().optional(),
    /** Shown beside the input, e.g. "°F". */
    unit: z.string().trim().max(20).optional(),
  }),
  z.object({
    ...questionBase,
    type: z.literal('date'),
    /** For "since when" questions: a date after today is refused. */
    notInFuture: z.boolean().optional(),
  }),
  z.object({
    ...questionBase,
    type: z.literal('scale'),
    /** Words for the ends of the scale, e.g. "No pain" and "Worst pain imaginable". */
    minLabel: z.string().trim().max(60).optional(),
    maxLabel: z.string().trim().max(60).optional(),
  }),
]);
export type IntakeQuestion = z.infer<typeof intakeQuestionSchema>;
/** A question as written by whoever defines a form (`required` may be left out). */
export type IntakeQuestionInput = z.input<typeof intakeQuestionSchema>;

/** Rules across questions: unique ids and options, branching only on earlier questions. */
function checkQuestions(questions: IntakeQuestion[], ctx: z.core.$RefinementCtx) {
  const seen = new Map<string, IntakeQuestion>();
  questions.forEach((question, index) => {
    const at = (...rest: (string | number)[]) => ['questions', index, ...rest];
    if (seen.has(question.id)) {
      ctx.addIssue({ code: 'custom', path: at('id'), message: 'Each question needs its own id.' });
    }
    if ('options' in question) {
      const values = new Set<string>();
      question.options.forEach((option, optionIndex) => {
        if (values.has(option.value)) {
          ctx.addIssue({
            code: 'custom',
            path: at('options', optionIndex, 'value'),
            message: 'Each option needs its own value.',
          });
        }
        values.add(option.value);
      });
    }
    if (question.type === 'number' && question.min !== undefined && question.max !== undefined) {
      if (question.min > question.max) {
        ctx.addIssue({ code: 'custom', path: at('max'), message: 'max must not be below min.' });
      }
    }
    if (question.showIf) {
      const target = seen.get(question.showIf.questionId);
      if (!target) {
        ctx.addIssue({
          code: 'custom',
          path: at('showIf', 'questionId'),
          message: 'showIf must name an earlier question of this form.',
        });
      } else if (!showIfValueFits(target, question.showIf.equals)) {
        ctx.addIssue({
          code: 'custom',
          path: at('showIf', 'equals'),
          message: 'showIf.equals must be an answer the named question can have.',
        });
      }
    }
    if (!seen.has(question.id)) seen.set(question.id, question);
  });
}

function showIfValueFits(target: IntakeQuestion, equals: string | number | boolean): boolean {
  switch (target.type) {
    case 'yes-no':
      return typeof equals === 'boolean';
    case 'single-choice':
    case 'multi-choice':
      return target.options.some((option) => option.value === equals);
    case 'number':
    case 'scale':
      return typeof equals === 'number';
    default:
      return typeof equals === 'string';
  }
}

/** What an admin publishes: a new version of the form named `slug`. */
export const intakeFormDefinitionSchema = z
  .object({
    slug: intakeSlugSchema,
    title: z.string().trim().min(1).max(200),
    questions: z.array(intakeQuestionSchema).min(1).max(100),
  })
  .superRefine((form, ctx) => checkQuestions(form.questions, ctx));
export type IntakeFormDefinition = z.infer<typeof intakeFormDefinitionSchema>;
export type IntakeFormDefinitionInput = z.input<typeof intakeFormDefinitionSchema>;

/** One published version of a form; versions never change once published. */
export const intakeFormSchema = z.object({
  id: z.uuid(),
  slug: intakeSlugSchema,
  version: z.number().int().min(1),
  title: z.string(),
  questions: z.array(intakeQuestionSchema),
  publishedAt: z.iso.datetime(),
});
export type IntakeForm = z.infer<typeof intakeFormSchema>;

export const intakeFormListSchema = z.object({ forms: z.array(intakeFormSchema) });
export type IntakeFormList = z.infer<typeof intakeFormListSchema>;

/** Text, an option value, yes/no, a number or a scale point, a `YYYY-MM-DD` date, options chosen. */
export const intakeAnswerValueSchema = z.union([
  z.string().max(10_000),
  z.number(),
  z.boolean(),
  z.array(z.string().max(60)).max(50),
]);
export type IntakeAnswerValue = z.infer<typeof intakeAnswerValueSchema>;

/** Answers by question id. Unanswered questions are left out (or empty). */
export const intakeAnswersSchema = z
  .record(intakeSlugSchema, intakeAnswerValueSchema.nullable())
  .refine((answers) => Object.keys(answers).length <= 200, 'Too many answers.');
export type IntakeAnswers = Record<string, IntakeAnswerValue>;

/** Header value of a retried submission: the same key never creates a second response. */
export const idempotencyKeySchema = z
  .string()
  .min(8, 'Use at least 8 characters.')
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const intakeSubmissionSchema = z.object({
  /** The form version answered: answers are checked against that version. */
  formId: z.uuid(),
  /** The visit the answers are for, once scheduling exists; null for a pre-visit form. */
  appointmentId: z.uuid().nullable().optional(),
  answers: intakeAnswersSchema,
});
export type IntakeSubmission = z.infer<typeof intakeSubmissionSchema>;

/** A patient's answers with the exact form version they answered, so labels always fit. */
export const intakeResponseSchema = z.object({
  id: z.uuid(),
  appointmentId: z.uuid().nullable(),
  submittedAt: z.iso.datetime(),
  answers: z.record(z.string(), intakeAnswerValueSchema),
  form: intakeFormSchema,
});
export type IntakeResponse = z.infer<typeof intakeResponseSchema>;

export const intakeResponseListSchema = z.object({ responses: z.array(intakeResponseSchema) });
export type IntakeResponseList = z.infer<typeof intakeResponseListSchema>;

// ---------------------------------------------------------------------------------------
// Validation of answers against a form (server: authoritative; web: inline errors).
// Messages never repeat the answer itself: they may reach logs or screens shared with others.

export interface IntakeAnswerIssue {
  questionId: string;
  message: string;
}

export interface IntakeValidationOptions {
  /**
   * The latest date a `notInFuture` question accepts (`YYYY-MM-DD`): the web passes the
   * viewer's today; the server the latest "today" anywhere (UTC plus one day).
   */
  latestDate?: string;
}

export interface IntakeValidation {
  /** In form order; empty when the answers may be stored. */
  issues: IntakeAnswerIssue[];
  /** The answers to store: trimmed, empty and hidden questions left out, options in form order. */
  answers: IntakeAnswers;
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in `YYYY-MM-DD` form (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = isoDate.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

function showIfMatches(answer: unknown, equals: string | number | boolean) {
  if (Array.isArray(answer)) return answer.includes(equals);
  return typeof answer === 'string' ? answer.trim() === equals : answer === equals;
}

/**
 * Which questions are shown, given the answers so far: a question with `showIf` is shown
 * when the question it names is shown and was answered with that value.
 */
export function visibleQuestionIds(
  questions: readonly IntakeQuestion[],
  answers: Readonly<Record<string, unknown>>,
): Set<string> {
  const visible = new Set<string>();
  for (const question of questions) {
    const rule = question.showIf;
    const shown =
      !rule ||
      (visible.has(rule.questionId) && showIfMatches(answers[rule.questionId], rule.equals));
    if (shown) visible.add(question.id);
  }
  return visible;
}

type Checked = { value: IntakeAnswerValue } | { message: string };

function checkAnswer(
  question: IntakeQuestion,
  value: unknown,
  options: IntakeValidationOptions,
): Checked {
  switch (question.type) {
    case 'short-text':
    case 'long-text': {
      if (typeof value !== 'string') return { message: 'Answer in words.' };
      const text = value.trim();
      const limit = question.maxLength ?? intakeTextLimits[question.type].default;
      if (text.length > limit) return { message: `Keep this under ${limit} characters.` };
      return { value: text };
    }
    case 'single-choice':
      if (typeof value !== 'string' || !question.options.some((o) => o.value === value)) {
        return { message: 'Choose one of the options.' };
      }
      return { value };
    case 'multi-choice': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        return { message: 'Choose from the options given.' };
      }
      const chosen = new Set(value);
      if (
        chosen.size !== value.length ||
        !value.every((v) => question.options.some((o) => o.value === v))
      ) {
        return { message: 'Choose from the options given.' };
      }
      // Stored in the form's order, so equal answers compare equal.
      return { value: question.options.filter((o) => chosen.has(o.value)).map((o) => o.value) };
    }
    case 'yes-no':
      return typeof value === 'boolean' ? { value } : { message: 'Answer yes or no.' };
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { message: 'Enter a number.' };
      if (question.integer && !Number.isInteger(value)) return { message: 'Enter a whole number.' };
      const { min, max } = question;
      const outside = (min !== undefined && value < min) || (max !== undefined && value > max);
      if (outside) {
        return {
          message:
            min !== undefined && max !== undefined
              ? `Enter a number from ${min} to ${max}.`
              : min !== undefined
                ? `Enter a number of at least ${min}.`
                : `Enter a number no larger than ${max}.`,
        };
      }
      return { value };
    }
    case 'date': {
      if (typeof value !== 'string' || !isCalendarDate(value)) {
        return { message: 'Enter a date (year, month and day).' };
      }
      if (value < '1900-01-01') return { message: 'Enter a date after 1900.' };
      if (question.notInFuture && options.latestDate && value > options.latestDate) {
        return { message: 'This date cannot be in the future.' };
      }
      return { value };
    }
    case 'scale':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < 0 ||
        value > INTAKE_SCALE_MAX
      ) {
        return { message: `Choose a number from 0 to ${INTAKE_SCALE_MAX}.` };
      }
      return { value };
  }
}

const missingMessage = (question: IntakeQuestion) =>
  question.type === 'single-choice' || question.type === 'yes-no' || question.type === 'scale'
    ? 'Choose an answer.'
    : question.type === 'multi-choice'
      ? 'Choose at least one option.'
      : 'Answer this question.';

/**
 * Checks answers against a form version: required questions answered (unless `showIf` hides
 * them), each answer of its question's type, options from the list, numbers in range, text
 * within its length. Answers to hidden questions are dropped, not refused: a patient may
 * have answered a follow-up before changing the answer that showed it.
 */
export function validateIntakeAnswers(
  questions: readonly IntakeQuestion[],
  answers: Readonly<Record<string, unknown>>,
  options: IntakeValidationOptions = {},
): IntakeValidation {
  const issues: IntakeAnswerIssue[] = [];
  const accepted: IntakeAnswers = {};
  const known = new Set(questions.map((q) => q.id));
  for (const question of questions) {
    const rule = question.showIf;
    // Visibility follows the accepted (normalized) answers of earlier questions.
    // Visibility follows the accepted answers of earlier questions, so a follow-up is
    // required only when the answer that shows it is itself valid and visible.
    if (rule && !showIfMatches(accepted[rule.questionId], rule.equals)) continue;
    const value = answers[question.id];
    if (isEmpty(value)) {
      if (question.required)
        issues.push({ questionId: question.id, message: missingMessage(question) });
      continue;
    }
    const checked = checkAnswer(question, value, options);
    if ('message' in checked) issues.push({ questionId: question.id, message: checked.message });
    else accepted[question.id] = checked.value;
  }
  for (const id of Object.keys(answers)) {
    if (!known.has(id))
      issues.push({ questionId: id, message: 'This is not a question of this form.' });
  }
  return { issues, answers: accepted };
}
