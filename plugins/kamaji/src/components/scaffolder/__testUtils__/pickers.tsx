import { useState, type ComponentType } from 'react';
import { http, HttpResponse } from 'msw';
import {
  configApiRef,
  identityApiRef,
  type ApiHolder,
  type ApiRef,
} from '@backstage/core-plugin-api';
import { mockApis } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import type { AddonSet } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../../api/KamajiApi';
import { KamajiClient } from '../../../api/KamajiClient';
import type { FleetResponse } from '../../../api/types';
import { sampleFleet } from '../../../__fixtures__/fleet';
import { BASE, setupKamajiServer } from '../../../__testUtils__/http';

export { BASE };
export const FLEET_URL = `${BASE}/v1/fleet`;
export const PLACEMENT_URL = `${BASE}/v1/placement`;

/**
 * The msw server of a test file, listening for its tests. The island picker asks for placement
 * advice; unless a test serves some, the backend advises nothing (no island at the site).
 */
export function startMswServer() {
  return setupKamajiServer(
    http.get(PLACEMENT_URL, () => HttpResponse.json({ islands: [] })),
  );
}

/**
 * The sample fleet (factory-a connected with 3 tenants, shop-b disconnected with 2), with two
 * data stores on shop-b and addon sets selecting by the opt-in label or by other labels.
 */
export function pickerFleet(): FleetResponse {
  const f = sampleFleet();
  const shop = f.islands.find(i => i.name === 'shop-b')!;
  shop.dataStores = [
    {
      name: 'pg-shop',
      driver: 'PostgreSQL',
      ready: true,
      usedBy: ['a/b', 'c/d'],
    },
    { name: 'etcd-spare', driver: 'etcd', ready: false, usedBy: [] },
  ];
  const set = (over: Partial<AddonSet>): AddonSet => ({
    id: `cloud/${over.kind}/_/${over.name}`,
    kind: 'ClusterProfile',
    name: 'x',
    managementCluster: 'cloud',
    selector: {},
    contents: [],
    matchingClusterIds: [],
    health: { status: 'healthy', reasons: [] },
    ...over,
  });
  f.addonSets = [
    set({
      name: 'observability',
      selector: {
        matchLabels: { 'addons.kamaji-backstage.io/observability': 'enabled' },
      },
      matchingClusterIds: ['cloud/tenants/line-1', 'cloud/tenants/line-2'],
    }),
    set({
      kind: 'HelmChartProxy',
      name: 'cilium',
      selector: {
        matchExpressions: [
          {
            key: 'addons.kamaji-backstage.io/cilium',
            operator: 'In',
            values: ['enabled'],
          },
        ],
      },
    }),
    set({
      name: 'prod-hardening',
      selector: { matchLabels: { env: 'prod' } },
    }),
  ];
  return f;
}

export function kamajiClient() {
  return new KamajiClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `http://backstage.test/api/${pluginId}`,
    },
    fetchApi: { fetch: (i: any, init?: RequestInit) => fetch(i, init) },
  });
}

export const GROUPS: Entity[] = [
  'platform-team',
  'team-retail',
  'team-edge',
].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'team',
    children: [],
    profile: { displayName: name.replace('-', ' ') },
  },
}));

export interface TestUser {
  ownershipEntityRefs: string[];
}

export const RETAIL_USER: TestUser = {
  ownershipEntityRefs: ['user:default/alice', 'group:default/team-retail'],
};
export const PLATFORM_USER: TestUser = {
  ownershipEntityRefs: ['user:default/guest', 'group:default/platform-team'],
};

/** The APIs the pickers use, as [ref, implementation] pairs. */
export function pickerApis(
  options: { user?: TestUser; config?: object } = {},
): Array<[ApiRef<any>, any]> {
  const user = options.user ?? RETAIL_USER;
  return [
    [kamajiApiRef, kamajiClient()],
    [
      configApiRef,
      mockApis.config({
        data: {
          kamaji: {
            scaffolder: {
              fleetAdminGroups: ['group:default/platform-team'],
              ...options.config,
            },
          },
        },
      }),
    ],
    [
      identityApiRef,
      mockApis.identity({
        userEntityRef: user.ownershipEntityRefs[0],
        ownershipEntityRefs: user.ownershipEntityRefs,
      }),
    ],
    [catalogApiRef, catalogApiMock({ entities: GROUPS })],
  ];
}

export function apiHolderOf(apis: Array<[ApiRef<any>, any]>): ApiHolder {
  const byId = new Map(apis.map(([ref, impl]) => [ref.id, impl]));
  return { get: (ref: ApiRef<any>) => byId.get(ref.id) } as ApiHolder;
}

/** Runs a field validator as the scaffolder's form does; returns its error messages. */
export async function validate(
  validator: (...args: any[]) => void | Promise<void>,
  value: unknown,
  context: {
    apis: Array<[ApiRef<any>, any]>;
    title: string;
    formData?: Record<string, unknown>;
    uiOptions?: object;
  },
): Promise<string[]> {
  const validation = createFieldValidation();
  await validator(value, validation, {
    apiHolder: apiHolderOf(context.apis),
    formData: context.formData ?? {},
    schema: { title: context.title },
    uiSchema: { 'ui:options': context.uiOptions ?? {} },
  });
  return validation.__errors ?? [];
}

/**
 * A form of the given picker fields as the scaffolder renders them: each field gets its value,
 * an onChange that updates the form, and the whole form's data in `formContext.formData`.
 */
export function TestForm(props: {
  fields: Array<{
    name: string;
    component: ComponentType<any>;
    schema: object;
    uiOptions?: object;
    required?: boolean;
  }>;
  initial?: Record<string, unknown>;
  onData?: (data: Record<string, unknown>) => void;
}) {
  const [data, setData] = useState<Record<string, unknown>>(
    props.initial ?? {},
  );
  return (
    <>
      {props.fields.map(f => (
        <f.component
          key={f.name}
          formData={data[f.name]}
          onChange={(v: unknown) =>
            setData(d => {
              const next = { ...d, [f.name]: v };
              props.onData?.(next);
              return next;
            })
          }
          schema={f.schema}
          uiSchema={{ 'ui:options': f.uiOptions ?? {} }}
          idSchema={{ $id: `root_${f.name}` }}
          rawErrors={[]}
          required={f.required ?? false}
          formContext={{ formData: data }}
        />
      ))}
    </>
  );
}
