import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type {
  TenantNode,
  UpgradeClusterResult,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { ActionDialog } from './ActionDialog';
import { usePreview } from './usePreview';
import { upgradeVersionError } from './validation';

/** The version the upgrade rules compare with: what the control plane declares. */
export function declaredVersion(tenant: TenantNode): string | undefined {
  return (
    tenant.versions.declared ?? tenant.controlPlane.kamajiControlPlane?.version
  );
}

function describe(result: UpgradeClusterResult): string {
  const notes = (result.notes ?? []).map(n => ` Note: ${n}.`).join('');
  if (!result.changed) {
    return `Nothing to change: ${result.cluster} already declares ${result.version}.${notes}`;
  }
  const cp = result.controlPlane
    ? ` Control plane ${result.controlPlane.from ?? '?'} → ${
        result.controlPlane.to
      }.`
    : '';
  const pools = result.workerPools.length
    ? ` Worker pools: ${result.workerPools.map(p => p.name).join(', ')}.`
    : '';
  return `Upgrade of ${result.cluster} to ${result.version} started.${cp}${pools}${notes}`;
}

/** Asks for the target Kubernetes version of a tenant and sends the upgrade. */
export function UpgradeDialog(props: {
  cluster: TenantNode;
  onClose: () => void;
  onDone?: () => void;
}) {
  const api = useApi(kamajiApiRef);
  const current = declaredVersion(props.cluster);
  const [version, setVersion] = useState('');
  const [workers, setWorkers] = useState(false);
  const error = upgradeVersionError(current, version);
  const request = { version: version.trim(), workers };
  const preview = usePreview(
    `${request.version}|${workers}`,
    error ? undefined : () => api.previewUpgrade(props.cluster.id, request),
  );

  return (
    <ActionDialog
      title={`Upgrade ${props.cluster.name}`}
      confirmLabel="Upgrade"
      canSubmit={!error}
      preview={preview}
      submit={() => api.upgradeCluster(props.cluster.id, request)}
      describeResult={describe}
      onClose={props.onClose}
      onDone={props.onDone}
    >
      <Typography variant="body2" paragraph>
        The control plane now declares {current ?? 'no readable version'}.
        Kubernetes goes up one minor release at a time and never down.
      </Typography>
      <TextField
        id="kamaji-upgrade-version"
        label="Target version"
        placeholder="v1.35.0"
        value={version}
        onChange={e => setVersion(e.target.value)}
        error={version !== '' && !!error}
        helperText={version !== '' ? error ?? ' ' : ' '}
        fullWidth
        inputProps={{ spellCheck: false, autoComplete: 'off' }}
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={workers}
            onChange={e => setWorkers(e.target.checked)}
          />
        }
        label="Also upgrade the worker pools"
      />
    </ActionDialog>
  );
}
