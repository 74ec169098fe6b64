import Button from '@material-ui/core/Button';
import {
  kamajiClusterDeletePermission,
  kamajiClusterUpgradePermission,
  type TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { DeleteDialog } from './DeleteDialog';
import { UpgradeDialog } from './UpgradeDialog';
import { useActionDialog } from './useActionDialog';
import { useClusterPermission } from './useClusterPermission';

/**
 * The upgrade and delete buttons of a managed tenant, each shown only when the user holds
 * the permission for this cluster.
 */
export function TenantActions(props: {
  cluster: TenantNode;
  onChanged: () => void;
}) {
  const { cluster } = props;
  const canUpgrade = useClusterPermission(
    kamajiClusterUpgradePermission,
    cluster.id,
  );
  const canDelete = useClusterPermission(
    kamajiClusterDeletePermission,
    cluster.id,
  );
  const dialog = useActionDialog<'upgrade' | 'delete'>(props.onChanged);
  if (!cluster.managed || (!canUpgrade && !canDelete)) return null;

  return (
    <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
      {canUpgrade && (
        <Button
          variant="outlined"
          color="primary"
          onClick={() => dialog.open('upgrade')}
        >
          Upgrade Kubernetes
        </Button>
      )}
      {canDelete && (
        <Button
          variant="outlined"
          color="secondary"
          onClick={() => dialog.open('delete')}
        >
          Delete cluster
        </Button>
      )}
      {dialog.current === 'upgrade' && (
        <UpgradeDialog
          cluster={cluster}
          onClose={dialog.close}
          onDone={dialog.done}
        />
      )}
      {dialog.current === 'delete' && (
        <DeleteDialog
          cluster={cluster}
          onClose={dialog.close}
          onDone={dialog.done}
        />
      )}
    </div>
  );
}
