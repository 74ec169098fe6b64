import { InfoCard, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { kamajiApiRef } from '../../api/KamajiApi';
import { auditRouteRef } from '../../routes';
import { AuditTable } from '../AuditPage/AuditTable';
import { ClusterLoadState } from '../common/ClusterLoadState';
import { useEntityClusterData } from '../common/useEntityCluster';

/** Records shown on the card; the audit view has the rest. */
export const ACTIVITY_CARD_SIZE = 10;

/**
 * The latest changes to the cluster an entity stands for (its part of the audit trail): who
 * created, upgraded, scaled or deleted it, or tried to and was refused.
 *
 * @public
 */
export function ActivityCard() {
  const api = useApi(kamajiApiRef);
  const auditLink = useRouteRef(auditRouteRef);
  const state = useEntityClusterData(id =>
    api.getAudit({ cluster: id, limit: ACTIVITY_CARD_SIZE }),
  );
  const all = state.id
    ? `${auditLink()}?${new URLSearchParams({ cluster: state.id })}`
    : undefined;
  return (
    <InfoCard
      title="Activity"
      subheader={state.id}
      deepLink={all ? { title: 'All activity', link: all } : undefined}
    >
      <ClusterLoadState state={state}>
        {page =>
          page.items.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              No change to this cluster is on record yet.
            </Typography>
          ) : (
            <>
              <AuditTable
                events={page.items}
                label="Activity"
                showTarget={false}
              />
              {page.page.total > page.items.length && all && (
                <Typography variant="caption">
                  {page.items.length} of {page.page.total} records.{' '}
                  <Link to={all}>See them all</Link>
                </Typography>
              )}
            </>
          )
        }
      </ClusterLoadState>
    </InfoCard>
  );
}
