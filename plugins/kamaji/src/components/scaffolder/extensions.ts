import { scaffolderPlugin } from '@backstage/plugin-scaffolder';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import * as fields from './fields';

/**
 * The island picker (`ui:field: KamajiIslandPicker`) for the legacy frontend system: place it
 * inside `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const KamajiIslandPickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension(fields.islandPickerField),
);

/**
 * The data store picker (`ui:field: KamajiDatastorePicker`, `ui:options.islandField`) for the
 * legacy frontend system.
 *
 * @public
 */
export const KamajiDatastorePickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension(fields.datastorePickerField),
);

/**
 * The Kubernetes version picker (`ui:field: KamajiKubernetesVersionPicker`) for the legacy
 * frontend system.
 *
 * @public
 */
export const KamajiKubernetesVersionPickerFieldExtension =
  scaffolderPlugin.provide(
    createScaffolderFieldExtension(fields.kubernetesVersionPickerField),
  );

/**
 * The addon set picker (`ui:field: KamajiAddonSetPicker`) for the legacy frontend system.
 *
 * @public
 */
export const KamajiAddonSetPickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension(fields.addonSetPickerField),
);

/**
 * The owner group picker (`ui:field: KamajiOwnerPicker`) for the legacy frontend system.
 *
 * @public
 */
export const KamajiOwnerPickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension(fields.ownerPickerField),
);

/**
 * The create preview (`ui:field: KamajiCreatePreview`, on a template's last step) for the legacy
 * frontend system: the objects the create action will apply, dry-run by the management cluster.
 *
 * @public
 */
export const KamajiCreatePreviewFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension(fields.createPreviewField),
);
