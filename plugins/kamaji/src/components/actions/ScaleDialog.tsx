import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  MAX_SCALE_REPLICAS,
  type ScaleClusterResult,
  type TenantNode,
  type WorkerPool,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { ActionDialog } from './ActionDialog';
import { usePreview } from './usePreview';
import { parseReplicas, replicasError } from './validation';

function describe(result: ScaleClusterResult): string {
  return result.changed
    ? `Pool ${result.pool} is scaling from ${result.from ?? '?'} to ${
        result.to
      } replicas.`
    : `Pool ${result.pool} already wants ${result.to} replicas.`;
}

/** Asks for a worker pool's new replica count and sends the scale. */
export function ScaleDialog(props: {
  cluster: TenantNode;
  pool: WorkerPool;
  onClose: () => void;
  onDone?: () => void;
}) {
  const api = useApi(kamajiApiRef);
  const current = props.pool.replicas.desired;
  const [input, setInput] = useState(String(current));
  const error = replicasError(input, current);
  const replicas = parseReplicas(input);
  const request = { pool: props.pool.name, replicas: replicas! };
  const preview = usePreview(
    String(replicas),
    error ? undefined : () => api.previewScale(props.cluster.id, request),
  );

  return (
    <ActionDialog
      title={`Scale ${props.pool.name}`}
      confirmLabel="Scale"
      canSubmit={!error}
      preview={preview}
      submit={() => api.scaleCluster(props.cluster.id, request)}
      describeResult={describe}
      onClose={props.onClose}
      onDone={props.onDone}
    >
      <Typography variant="body2" paragraph>
        Worker pool {props.pool.name} of {props.cluster.name} wants {current}{' '}
        replicas ({props.pool.replicas.ready} ready).
      </Typography>
      <TextField
        id="kamaji-scale-replicas"
        label="Replicas"
        type="number"
        value={input}
        onChange={e => setInput(e.target.value)}
        error={!!error && input !== String(current)}
        helperText={
          (input !== String(current) && error) ||
          (replicas === 0
            ? '0 removes every worker of this pool.'
            : `0 to ${MAX_SCALE_REPLICAS}; the installation may set a lower maximum.`)
        }
        inputProps={{ min: 0, max: MAX_SCALE_REPLICAS, step: 1 }}
        fullWidth
      />
    </ActionDialog>
  );
}
