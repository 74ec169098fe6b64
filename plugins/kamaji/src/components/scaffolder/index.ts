export * from './extensions';
export { ISLAND_PICKER } from './IslandPicker';
export { DATASTORE_PICKER } from './DatastorePicker';
export { KUBERNETES_VERSION_PICKER } from './KubernetesVersionPicker';
export { ADDON_SET_PICKER } from './AddonSetPicker';
export { OWNER_PICKER } from './OwnerPicker';
export { CREATE_PREVIEW } from './CreatePreviewField';
