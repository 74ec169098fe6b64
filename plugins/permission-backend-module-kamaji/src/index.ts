/**
 * A permission policy for Cluster API + Kamaji island fleets: install with
 * `backend.add(import('@kamaji-backstage/plugin-permission-backend-module-kamaji'))` in place of
 * any other policy module.
 *
 * @packageDocumentation
 */
export { permissionModuleKamajiPolicy as default } from './module';
export { KamajiPermissionPolicy } from './KamajiPermissionPolicy';
