import type { ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Alert, Autocomplete } from '@material-ui/lab';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import { describeError } from '../../api/KamajiClient';

/** One choice of a picker: the value the template receives and how the choice is shown. */
export interface PickerOption {
  value: string;
  /** The text of the choice (and of the input once chosen). */
  label: string;
  /** Lines under the label: state, load, details. */
  details?: ReactNode[];
  disabled?: boolean;
}

/** What a picker knows about its choices. */
export interface PickerChoices {
  options: PickerOption[];
  loading: boolean;
  error?: Error;
  retry: () => void;
  /** Plural of what is picked, for the loading, error and empty texts ("islands"). */
  what: string;
  /** Why there is nothing to pick and what to do about it. */
  emptyText?: string;
}

type AnyFieldProps = FieldExtensionComponentProps<any, any>;

/**
 * The form control every Kamaji picker renders: a searchable list labelled with the field's
 * title, each choice with its details, one or several values, and visible loading and error
 * states (the error with a retry).
 */
export function PickerField(props: {
  field: AnyFieldProps;
  title: string;
  choices: PickerChoices;
  multiple?: boolean;
  disabled?: boolean;
  /** Shown under the control, e.g. a warning about the chosen value. */
  notice?: ReactNode;
}) {
  const { field } = props;
  const { required, rawErrors, schema, uiSchema } = field;
  const disabled = !!(props.disabled || field.disabled || field.readonly);
  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema?.['ui:description'] ?? schema?.description}
      required={required}
      disabled={disabled}
      errors={(field as { errors?: any }).errors}
    >
      <PickerAutocomplete
        field={field}
        title={props.title}
        choices={props.choices}
        multiple={props.multiple}
        disabled={disabled}
      />
      <ChoicesStatus choices={props.choices} />
      {props.notice}
    </ScaffolderField>
  );
}

/** The form data as the control's value: its strings, or the first of them (null if none). */
function pickedValue(formData: unknown, multiple?: boolean) {
  const values = ([] as unknown[])
    .concat(formData ?? [])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  return multiple ? values : values[0] ?? null;
}

function PickerAutocomplete(props: {
  field: AnyFieldProps;
  title: string;
  choices: PickerChoices;
  multiple?: boolean;
  disabled: boolean;
}) {
  const { field, choices, multiple } = props;
  const { required, rawErrors } = field;
  const byValue = new Map(choices.options.map(o => [o.value, o]));
  const labelOf = (value: string) => byValue.get(value)?.label ?? value;
  const picked = pickedValue(field.formData, multiple);
  // A value the choices do not hold (a template's default while they load, an island since
  // removed) stays a choice, shown as it is: the field's validation says what is wrong with it.
  const unknown = ([] as string[])
    .concat(picked ?? [])
    .filter(v => !byValue.has(v));
  return (
    <Autocomplete<string, boolean, false, false>
      id={field.idSchema?.$id}
      multiple={multiple}
      disabled={props.disabled}
      value={picked as any}
      options={[...choices.options.map(o => o.value), ...unknown]}
      getOptionLabel={labelOf}
      getOptionDisabled={v => !!byValue.get(v)?.disabled}
      getOptionSelected={(option, selected) => option === selected}
      loading={choices.loading}
      loadingText={`Loading ${choices.what}…`}
      noOptionsText={choices.emptyText ?? `No ${choices.what}`}
      onChange={(_event, next) =>
        field.onChange(
          multiple ? (next as string[]) : (next as string | null) ?? undefined,
        )
      }
      renderOption={v => <OptionText option={byValue.get(v)} value={v} />}
      renderInput={params => (
        <TextField
          {...params}
          label={props.title}
          margin="dense"
          variant="outlined"
          required={required}
          error={!!rawErrors?.length}
        />
      )}
    />
  );
}

/** Under the control: that the choices are loading, could not be loaded, or are none. */
function ChoicesStatus(props: { choices: PickerChoices }) {
  const { choices } = props;
  return (
    <>
      {choices.loading && (
        <Typography variant="caption" role="status">
          Loading {choices.what}…
        </Typography>
      )}
      {choices.error && (
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={choices.retry}>
              Retry
            </Button>
          }
        >
          Could not load the {choices.what}: {describeError(choices.error)}
        </Alert>
      )}
      {!choices.loading &&
        !choices.error &&
        choices.options.length === 0 &&
        choices.emptyText && (
          <Typography variant="caption" role="status">
            {choices.emptyText}
          </Typography>
        )}
    </>
  );
}

function OptionText(props: { option?: PickerOption; value: string }) {
  const { option, value } = props;
  const details = option
    ? option.details ?? []
    : ['not one of the choices offered: pick another'];
  return (
    <div data-testid={`option-${value}`}>
      <Typography variant="body2">{option?.label ?? value}</Typography>
      {details.map((d, i) => (
        <Typography
          key={i}
          variant="caption"
          color="textSecondary"
          component="div"
        >
          {d}
        </Typography>
      ))}
    </div>
  );
}
