import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert, AlertTitle } from '@material-ui/lab';
import type {
  ActionPreview,
  DependentObject,
  ObjectChange,
} from '@kamaji-backstage/plugin-kamaji-common';
import { refusalMessage } from '../../api/KamajiClient';
import { useDenseTableStyles } from '../common/denseTable';
import { PathText } from '../common/PathText';
import type { PreviewState } from './usePreview';

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function FieldDiff(props: { changes: ObjectChange[] }) {
  const rows = props.changes.flatMap(object =>
    object.changes.map(change => ({ object, change })),
  );
  const classes = useDenseTableStyles();
  if (rows.length === 0) {
    return (
      <Typography variant="body2">
        Nothing would change: the objects already have these values.
      </Typography>
    );
  }
  return (
    <Table
      size="small"
      aria-label="Fields that change"
      className={classes.table}
    >
      <TableHead>
        <TableRow>
          <TableCell>Object</TableCell>
          <TableCell>Field</TableCell>
          <TableCell>Now</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(({ object, change }) => (
          <TableRow key={`${object.kind}/${object.name}${change.path}`}>
            <TableCell className={classes.anywhere}>
              {object.kind} <PathText text={object.name} />
            </TableCell>
            <TableCell>
              <code>{change.path}</code>
            </TableCell>
            <TableCell>
              <del>{show(change.from)}</del>
            </TableCell>
            <TableCell>
              <ins>{show(change.to)}</ins>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Dependents(props: { dependents: DependentObject[] }) {
  const classes = useDenseTableStyles();
  return (
    <Table
      size="small"
      aria-label="Objects deleted with the cluster"
      className={classes.table}
    >
      <TableHead>
        <TableRow>
          <TableCell>Kind</TableCell>
          <TableCell>Name</TableCell>
          <TableCell>What it is</TableCell>
          <TableCell>Where</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.dependents.map(d => (
          <TableRow key={`${d.location}/${d.kind}/${d.namespace}/${d.name}`}>
            <TableCell>{d.kind}</TableCell>
            <TableCell className={classes.anywhere}>
              <PathText
                text={d.namespace ? `${d.namespace}/${d.name}` : d.name}
              />
            </TableCell>
            <TableCell>{d.role}</TableCell>
            <TableCell>
              <PathText text={d.location} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Ready(props: { preview: ActionPreview<unknown> }) {
  const { preview } = props;
  return (
    <div data-testid="action-preview">
      <Typography variant="subtitle2" gutterBottom>
        Dry run by the API server: nothing has changed yet
      </Typography>
      {preview.dependents ? (
        <Dependents dependents={preview.dependents} />
      ) : (
        <FieldDiff changes={preview.changes} />
      )}
      {preview.notes?.map(note => (
        <Alert key={note} severity="info" style={{ marginTop: 8 }}>
          {note}
        </Alert>
      ))}
    </div>
  );
}

/** The API server's dry run of the dialog's inputs: the diff, the dependents, or its refusal. */
export function ChangePreview(props: { state: PreviewState }) {
  const { state } = props;
  switch (state.kind) {
    case 'idle':
      return null;
    case 'loading':
      return (
        <LinearProgress aria-label="Asking the API server for a dry run" />
      );
    case 'refused':
      return (
        <Alert severity="error" role="alert" data-testid="preview-refusal">
          <AlertTitle>The dry run was refused</AlertTitle>
          {refusalMessage(state.error)}
        </Alert>
      );
    default:
      return <Ready preview={state.preview} />;
  }
}
