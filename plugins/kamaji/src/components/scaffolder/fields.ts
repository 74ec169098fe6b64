import type { FieldExtensionOptions } from '@backstage/plugin-scaffolder-react';
import {
  ADDON_SET_PICKER,
  AddonSetPicker,
  addonSetPickerValidation,
} from './AddonSetPicker';
import {
  CREATE_PREVIEW,
  CreatePreviewField,
  type CreatePreviewUiOptions,
} from './CreatePreviewField';
import {
  DATASTORE_PICKER,
  DatastorePicker,
  datastorePickerValidation,
  type DatastorePickerUiOptions,
} from './DatastorePicker';
import {
  ISLAND_PICKER,
  IslandPicker,
  islandPickerValidation,
  type IslandPickerUiOptions,
} from './IslandPicker';
import {
  KUBERNETES_VERSION_PICKER,
  KubernetesVersionPicker,
  kubernetesVersionPickerValidation,
  type KubernetesVersionPickerUiOptions,
} from './KubernetesVersionPicker';
import {
  OWNER_PICKER,
  OwnerPicker,
  ownerPickerValidation,
} from './OwnerPicker';

/*
 * The Kamaji field extensions, once; the legacy (createScaffolderFieldExtension) and the new
 * frontend system (createFormField) register these same definitions. Their names carry a
 * `Kamaji` prefix because `ui:field` names are global to the scaffolder and `OwnerPicker` is
 * already the scaffolder's own.
 */

/** A field extension as both systems take it (no JSON-schema description of its value). */
type KamajiField<TValue, TUiOptions> = Omit<
  FieldExtensionOptions<TValue, TUiOptions>,
  'schema'
>;

export const islandPickerField: KamajiField<string, IslandPickerUiOptions> = {
  name: ISLAND_PICKER,
  component: IslandPicker,
  validation: islandPickerValidation,
};

export const datastorePickerField: KamajiField<
  string,
  DatastorePickerUiOptions
> = {
  name: DATASTORE_PICKER,
  component: DatastorePicker,
  validation: datastorePickerValidation,
};

export const kubernetesVersionPickerField: KamajiField<
  string,
  KubernetesVersionPickerUiOptions
> = {
  name: KUBERNETES_VERSION_PICKER,
  component: KubernetesVersionPicker,
  validation: kubernetesVersionPickerValidation,
};

export const addonSetPickerField: KamajiField<string[] | string, {}> = {
  name: ADDON_SET_PICKER,
  component: AddonSetPicker,
  validation: addonSetPickerValidation,
};

export const ownerPickerField: KamajiField<string, {}> = {
  name: OWNER_PICKER,
  component: OwnerPicker,
  validation: ownerPickerValidation,
};

export const createPreviewField: KamajiField<unknown, CreatePreviewUiOptions> =
  {
    name: CREATE_PREVIEW,
    component: CreatePreviewField,
    // A preview has no value to check: the action checks its input again.
    validation: () => {},
  };
