import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert, AlertTitle } from '@material-ui/lab';
import type {
  CreatePreview,
  CreatePreviewKind,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { refusalMessage } from '../../api/KamajiClient';

/** The `ui:field` name of the create preview. */
export const CREATE_PREVIEW = 'KamajiCreatePreview';

/** `ui:options` of the create preview. */
export interface CreatePreviewUiOptions {
  /** Which create action the template runs. Default `tenant`. */
  kind?: CreatePreviewKind;
  /** The form fields that make the action's input (same names). Default: every field but this one. */
  inputFields?: string[];
}

function actionInput(
  formData: Record<string, unknown> | undefined,
  fields: string[] | undefined,
  self: string,
): Record<string, unknown> {
  const entries = Object.entries(formData ?? {}).filter(
    ([key, value]) =>
      value !== undefined && key !== self && (!fields || fields.includes(key)),
  );
  return Object.fromEntries(entries);
}

type State =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; preview: CreatePreview }
  | { kind: 'refused'; error: unknown };

function Objects(props: { preview: CreatePreview }) {
  return (
    <Table size="small" aria-label="Objects the action applies">
      <TableHead>
        <TableRow>
          <TableCell>Object</TableCell>
          <TableCell>Dry run by {props.preview.managementCluster}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.preview.objects.map(o => (
          <TableRow key={`${o.kind}/${o.namespace}/${o.name}`}>
            <TableCell>
              {o.kind} {o.namespace ? `${o.namespace}/` : ''}
              {o.name}
            </TableCell>
            <TableCell>
              {o.refusal ? (
                <Typography color="error" variant="body2">
                  refused: {o.refusal}
                </Typography>
              ) : (
                `would be ${o.outcome}`
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The dry run under way, refused, or its answer. */
function PreviewState(props: { state: State }) {
  const { state } = props;
  if (state.kind === 'loading') {
    return <LinearProgress aria-label="Asking the API server for a dry run" />;
  }
  if (state.kind === 'refused') {
    return (
      <Alert severity="error" role="alert">
        <AlertTitle>The request was refused</AlertTitle>
        {refusalMessage(state.error)}
      </Alert>
    );
  }
  if (state.kind !== 'ready') return null;
  const { preview } = state;
  return (
    <>
      <Alert severity={preview.ok ? 'success' : 'error'}>
        {preview.ok
          ? 'The management cluster accepts every object; nothing has been created yet.'
          : 'Create would fail: see the refusals below; nothing has been created.'}
      </Alert>
      {[...preview.problems, ...preview.warnings].map(text => (
        <Alert key={text} severity="warning">
          {text}
        </Alert>
      ))}
      <Objects preview={preview} />
    </>
  );
}

/**
 * The objects the template's create action will apply, each dry-run by the management cluster
 * (or refused, in the server's words), shown on the template's last step before the user
 * presses Create. It asks when the user does: the form's values are only complete then.
 */
export function CreatePreviewField(
  props: FieldExtensionComponentProps<unknown, CreatePreviewUiOptions>,
) {
  const api = useApi(kamajiApiRef);
  const options = props.uiSchema?.['ui:options'];
  const [state, setState] = useState<State>({ kind: 'idle' });
  const input = actionInput(
    props.formContext?.formData,
    options?.inputFields,
    props.name,
  );
  const key = JSON.stringify(input);
  useEffect(() => setState({ kind: 'idle' }), [key]);

  const run = () => {
    setState({ kind: 'loading' });
    api.previewCreate(options?.kind ?? 'tenant', input).then(
      preview => setState({ kind: 'ready', preview }),
      error => setState({ kind: 'refused', error }),
    );
  };

  return (
    <div data-testid="kamaji-create-preview">
      <Typography variant="subtitle1">
        {props.schema?.title ?? 'What will be created'}
      </Typography>
      <Button
        variant="outlined"
        onClick={run}
        disabled={state.kind === 'loading'}
      >
        Dry run on the management cluster
      </Button>
      <PreviewState state={state} />
    </div>
  );
}
