import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { TenantNode } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { ActionDialog } from './ActionDialog';
import { usePreview } from './usePreview';

/** Deletes a tenant once its name has been typed, exactly. */
export function DeleteDialog(props: {
  cluster: TenantNode;
  onClose: () => void;
  onDone?: () => void;
}) {
  const api = useApi(kamajiApiRef);
  const [typed, setTyped] = useState('');
  const name = props.cluster.name;
  const matches = typed === name;
  const preview = usePreview(props.cluster.id, () =>
    api.previewDelete(props.cluster.id),
  );

  return (
    <ActionDialog
      title={`Delete ${name}`}
      confirmLabel="Delete"
      destructive
      canSubmit={matches}
      preview={preview}
      submit={() => api.deleteCluster(props.cluster.id, typed)}
      describeResult={r =>
        `Deletion of ${r.cluster} started. Cluster API removes its machines and control plane; it leaves the fleet when it is gone.`
      }
      onClose={props.onClose}
      onDone={props.onDone}
    >
      <Typography variant="body2" paragraph>
        This deletes the Cluster API cluster {props.cluster.id}: its control
        plane, its worker machines and everything running on them, with the
        objects below. It cannot be undone.
      </Typography>
      <TextField
        id="kamaji-delete-confirm"
        label={`Type ${name} to confirm`}
        value={typed}
        onChange={e => setTyped(e.target.value)}
        error={typed !== '' && !matches}
        helperText={
          typed !== '' && !matches
            ? `the name does not match: type ${name} exactly`
            : ' '
        }
        fullWidth
        inputProps={{ spellCheck: false, autoComplete: 'off' }}
      />
    </ActionDialog>
  );
}
