import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  addonSetPickerField,
  datastorePickerField,
  islandPickerField,
  kubernetesVersionPickerField,
  ownerPickerField,
} from './fields';

/* The field extensions as the new frontend system's FormFieldBlueprint loads them (see alpha.tsx). */

export const islandPickerFormField = createFormField(islandPickerField);
export const datastorePickerFormField = createFormField(datastorePickerField);
export const kubernetesVersionPickerFormField = createFormField(
  kubernetesVersionPickerField,
);
export const addonSetPickerFormField = createFormField(addonSetPickerField);
export const ownerPickerFormField = createFormField(ownerPickerField);
