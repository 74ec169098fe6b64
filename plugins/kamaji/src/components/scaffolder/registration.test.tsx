import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { http, HttpResponse } from 'msw';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import {
  ScaffolderFieldExtensions,
  scaffolderApiRef,
  useCustomFieldExtensions,
  type FieldExtensionOptions,
} from '@backstage/plugin-scaffolder-react';
import scaffolderAlphaPlugin from '@backstage/plugin-scaffolder/alpha';
import kamajiAlphaPlugin from '../../alpha';
import {
  KamajiAddonSetPickerFieldExtension,
  KamajiCreatePreviewFieldExtension,
  KamajiDatastorePickerFieldExtension,
  KamajiIslandPickerFieldExtension,
  KamajiKubernetesVersionPickerFieldExtension,
  KamajiOwnerPickerFieldExtension,
} from '../../index';
import {
  FLEET_URL,
  pickerApis,
  pickerFleet,
  startMswServer,
} from './__testUtils__/pickers';

const server = startMswServer();

const NAMES = [
  'KamajiIslandPicker',
  'KamajiDatastorePicker',
  'KamajiKubernetesVersionPicker',
  'KamajiAddonSetPicker',
  'KamajiOwnerPicker',
  'KamajiCreatePreview',
];

const TEMPLATES = resolve(__dirname, '../../../../../examples/templates');

function readTemplate(file: string) {
  return parse(readFileSync(join(TEMPLATES, file), 'utf8'));
}

/** Every `ui:field` a template's parameters use. */
function uiFields(template: any): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'ui:field' && typeof v === 'string') found.push(v);
        else walk(v);
      }
    }
  };
  walk(template.spec.parameters);
  return found;
}

/** What the scaffolder backend answers for a template's parameters. */
function parameterSchema(template: any) {
  return {
    title: template.metadata.title,
    description: template.metadata.description,
    steps: template.spec.parameters.map((p: any) => ({
      title: p.title,
      description: p.description,
      schema: p,
    })),
  };
}

function FieldNames(props: { onFields: (f: FieldExtensionOptions[]) => void }) {
  const fields = useCustomFieldExtensions(
    <ScaffolderFieldExtensions>
      <KamajiIslandPickerFieldExtension />
      <KamajiDatastorePickerFieldExtension />
      <KamajiKubernetesVersionPickerFieldExtension />
      <KamajiAddonSetPickerFieldExtension />
      <KamajiOwnerPickerFieldExtension />
      <KamajiCreatePreviewFieldExtension />
    </ScaffolderFieldExtensions>,
  );
  props.onFields(fields);
  return <span>{fields.map(f => f.name).join(',')}</span>;
}

describe('the pickers in the legacy frontend system', () => {
  it('are field extensions the scaffolder page collects from <ScaffolderFieldExtensions>', async () => {
    let fields: FieldExtensionOptions[] = [];
    await renderInTestApp(<FieldNames onFields={f => (fields = f)} />);
    expect(fields.map(f => f.name)).toEqual(NAMES);
    expect(fields.every(f => typeof f.validation === 'function')).toBe(true);
  });
});

describe('the pickers in the new frontend system', () => {
  it.each([
    'scaffolder-form-field:kamaji/island-picker',
    'scaffolder-form-field:kamaji/datastore-picker',
    'scaffolder-form-field:kamaji/kubernetes-version-picker',
    'scaffolder-form-field:kamaji/addon-set-picker',
    'scaffolder-form-field:kamaji/owner-picker',
    'scaffolder-form-field:kamaji/create-preview',
  ] as const)(
    'has the FormFieldBlueprint extension %s in the /alpha plugin',
    id => {
      const name = id.split('/')[1];
      // Attached to the input the scaffolder's form-fields API collects for the template wizard.
      expect(String(kamajiAlphaPlugin.getExtension(id))).toBe(
        `ExtensionDefinition{kind=scaffolder-form-field,name=${name},attachTo=api:scaffolder/form-fields@formFields}`,
      );
    },
  );

  it('reach the template form of the scaffolder page: the "Edge tenant cluster" template shows the island picker with the fleet', async () => {
    server.use(http.get(FLEET_URL, () => HttpResponse.json(pickerFleet())));
    const template = readTemplate('edge-tenant-cluster.yaml');
    const scaffolderApi = {
      getTemplateParameterSchema: jest.fn(async () =>
        parameterSchema(template),
      ),
    };
    renderTestApp({
      features: [scaffolderAlphaPlugin, kamajiAlphaPlugin],
      initialRouteEntries: [
        '/create/templates/default/kamaji-edge-tenant-cluster',
      ],
      apis: [...pickerApis(), [scaffolderApiRef, scaffolderApi]] as any,
    });
    const island = await screen.findByRole(
      'textbox',
      { name: /Island/ },
      { timeout: 15000 },
    );
    expect(scaffolderApi.getTemplateParameterSchema).toHaveBeenCalledWith(
      'template:default/kamaji-edge-tenant-cluster',
    );
    await userEvent.click(island);
    const list = within(await screen.findByRole('listbox'));
    expect(list.getByTestId('option-cloud/islands/shop-b')).toHaveTextContent(
      'Disconnected, last seen 12 min ago',
    );
    // the other pickers of the first page are there too, under the templates' titles
    expect(screen.getByRole('textbox', { name: /Owner/ })).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: /Kubernetes version/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: /Data store/ }),
    ).toBeInTheDocument();
  }, 30000);
  it("runs the pickers' validation when the user moves on: a default outside the configured range stops the form", async () => {
    server.use(http.get(FLEET_URL, () => HttpResponse.json(pickerFleet())));
    const template = readTemplate('edge-tenant-cluster.yaml');
    renderTestApp({
      features: [scaffolderAlphaPlugin, kamajiAlphaPlugin],
      initialRouteEntries: [
        '/create/templates/default/kamaji-edge-tenant-cluster',
      ],
      // the template's default v1.34.2 is below this range
      config: {
        kamaji: {
          scaffolder: { kubernetesVersions: { min: 'v1.35', max: 'v1.36' } },
        },
      },
      apis: [
        ...pickerApis(),
        [
          scaffolderApiRef,
          { getTemplateParameterSchema: async () => parameterSchema(template) },
        ],
      ] as any,
    });
    const owner = await screen.findByRole(
      'textbox',
      { name: /Owner/ },
      { timeout: 15000 },
    );
    // the owner picker preselects the user's group
    await waitFor(() =>
      expect(owner).toHaveValue('team retail (group:default/team-retail)'),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: /Name/ }),
      'shop-42',
    );
    const pick = async (label: RegExp, testId: string) => {
      await userEvent.click(screen.getByRole('textbox', { name: label }));
      await userEvent.click(
        within(await screen.findByRole('listbox')).getByTestId(testId),
      );
    };
    await pick(/Island/, 'option-cloud/islands/factory-a');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      await screen.findAllByText(
        'Kubernetes version: v1.34.2 is not supported: pick a version from v1.35 to v1.36 (the supported range is set in kamaji.scaffolder.kubernetesVersions)',
      ),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('textbox', { name: /Addon sets/ })).toBeNull();

    await pick(/Kubernetes version/, 'option-v1.35.1');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      await screen.findByRole('textbox', { name: /Addon sets/ }),
    ).toBeInTheDocument();
  }, 30000);
});

describe('examples/templates', () => {
  const files = readdirSync(TEMPLATES).filter(f => f.endsWith('.yaml'));

  it.each(files)('%s uses only registered Kamaji pickers', file => {
    const kamaji = uiFields(readTemplate(file)).filter(f =>
      f.startsWith('Kamaji'),
    );
    expect(kamaji.filter(f => !NAMES.includes(f))).toEqual([]);
  });

  it('use every picker somewhere', () => {
    const used = new Set(files.flatMap(f => uiFields(readTemplate(f))));
    expect(NAMES.filter(n => !used.has(n))).toEqual([]);
  });
});
