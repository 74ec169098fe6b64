import { rbacDocuments } from '@internal/test-kube';
import { impersonatorObjects } from '@kamaji-backstage/plugin-kamaji-common';
import {
  impersonatedUserOf,
  impersonationHeaders,
  impersonationOf,
  withImpersonation,
} from './impersonation';

describe('the identity of a Backstage user on fleet clusters', () => {
  it('is the user ref and its group refs, normalised as the owner labels are', () => {
    expect(
      impersonatedUserOf({
        userEntityRef: 'user:default/Alice',
        ownershipEntityRefs: [
          'user:default/Alice',
          'group:Default/Team-Retail',
          'group:default/team-retail',
          'group:ops/on-call',
        ],
      }),
    ).toEqual({
      user: 'user:default/alice',
      groups: ['group:default/team-retail', 'group:ops/on-call'],
    });
  });

  it('travels in the cluster details and becomes one Impersonate-Group line per group', () => {
    const who = {
      user: 'user:default/bob',
      groups: ['group:default/team-factory', 'group:default/platform-team'],
    };
    const details = withImpersonation(
      { name: 'c', url: 'https://127.0.0.1:1', authMetadata: { a: 'b' } },
      who,
    );
    expect(impersonationOf(details.authMetadata)).toEqual(who);
    expect(impersonationHeaders(who)).toEqual({
      'impersonate-user': 'user:default/bob',
      'impersonate-group': [
        'group:default/team-factory',
        'group:default/platform-team',
      ],
    });
    expect(impersonationOf({ a: 'b' })).toBeUndefined();
    expect(
      impersonationHeaders({ user: 'user:default/x', groups: [] }),
    ).toEqual({ 'impersonate-user': 'user:default/x' });
  });

  it('is made with the impersonator that examples/deploy/rbac.yaml lists', () => {
    for (const target of ['tenant', 'island'] as const) {
      const rbac = rbacDocuments(target);
      for (const obj of impersonatorObjects())
        expect(
          rbac.find(
            d => d.kind === obj.kind && d.metadata.name === obj.metadata.name,
          ),
        ).toEqual(obj);
    }
  });
});
