import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import * as fields from './fields';

/* The field extensions as the new frontend system's FormFieldBlueprint loads them (see alpha.tsx). */

export const islandPickerFormField = createFormField(fields.islandPickerField);
export const datastorePickerFormField = createFormField(
  fields.datastorePickerField,
);
export const kubernetesVersionPickerFormField = createFormField(
  fields.kubernetesVersionPickerField,
);
export const addonSetPickerFormField = createFormField(
  fields.addonSetPickerField,
);
export const ownerPickerFormField = createFormField(fields.ownerPickerField);
export const createPreviewFormField = createFormField(
  fields.createPreviewField,
);
