import { Input } from '@mantine/core';
import classes from './documents.module.css';

/**
 * A labelled native file input (the browser's own chooser works with every keyboard and
 * screen reader), sized like the other fields, with a visible focus ring. Change `resetKey`
 * to empty it, e.g. after a successful upload.
 */
export function FileField(props: {
  id: string;
  label: string;
  description: string;
  accept: string;
  error?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  resetKey?: number;
  onChange: (file: File | null) => void;
}) {
  const { id, error } = props;
  return (
    <Input.Wrapper
      id={id}
      label={props.label}
      required={props.required}
      description={props.description}
      error={error}
    >
      <input
        key={props.resetKey}
        id={id}
        className={classes.fileInput}
        type="file"
        accept={props.accept}
        disabled={props.disabled}
        aria-describedby={`${id}-description${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
        onChange={(event) => props.onChange(event.currentTarget.files?.[0] ?? null)}
      />
    </Input.Wrapper>
  );
}
