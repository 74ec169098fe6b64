import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { CreatePreview } from '@kamaji-backstage/plugin-kamaji-common';
import { CreatePreviewField } from './CreatePreviewField';
import { TestForm, pickerApis, startMswServer } from './__testUtils__/pickers';

const server = startMswServer();
const PREVIEW_URL =
  'http://backstage.test/api/scaffolder/kamaji/v1/create-preview';

/** The shape previewCreate answers (see createPreview.kube.test.ts), for a refused Cluster. */
const refused: CreatePreview = {
  managementCluster: 'central',
  ok: false,
  problems: [],
  warnings: ["Addon set 'gpu' is not known in central yet"],
  objects: [
    {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      namespace: 'fleet-tenants',
      name: 'blocked-shop',
      refusal:
        "Cluster fleet-tenants/blocked-shop: the API server rejected it (422 Invalid): ValidatingAdmissionPolicy 'reserved-names' denied request: cluster names starting with blocked- are reserved",
      object: {},
    },
    {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha2',
      kind: 'KamajiControlPlane',
      namespace: 'fleet-tenants',
      name: 'blocked-shop',
      outcome: 'created',
      object: {},
    },
  ],
};

describe('CreatePreviewField', () => {
  it("sends the action's input from the form and shows each object's dry run or refusal", async () => {
    let body: any;
    server.use(
      http.post(PREVIEW_URL, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(refused);
      }),
    );
    await renderInTestApp(
      <TestApiProvider apis={pickerApis() as any}>
        <TestForm
          fields={[
            {
              name: 'preview',
              component: CreatePreviewField,
              schema: { title: 'What will be created' },
              uiOptions: { kind: 'tenant', inputFields: ['name', 'island'] },
            },
          ]}
          initial={{
            name: 'blocked-shop',
            island: 'island-b',
            waitMinutes: 30,
          }}
        />
      </TestApiProvider>,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Dry run on the management cluster' }),
    );
    const table = await screen.findByRole('table', {
      name: 'Objects the action applies',
    });
    expect(body).toEqual({
      kind: 'tenant',
      input: { name: 'blocked-shop', island: 'island-b' },
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent(
      "refused: Cluster fleet-tenants/blocked-shop: the API server rejected it (422 Invalid): ValidatingAdmissionPolicy 'reserved-names' denied request",
    );
    expect(rows[1]).toHaveTextContent('would be created');
    expect(
      screen.getByText(/Create would fail: see the refusals below/),
    ).toBeInTheDocument();
    expect(
      screen.getByText("Addon set 'gpu' is not known in central yet"),
    ).toBeInTheDocument();
  });
});
