import { useEffect, useRef } from 'react';
import {
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  isOwnerAmong,
  ownerEntityRef,
  parseClusterOwner,
} from '@kamaji-backstage/plugin-kamaji-common';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { PickerField, type PickerOption } from './PickerField';
import { fieldTitle, isFleetAdmin } from './pickerSettings';

/** The `ui:field` name of the owner picker. */
export const OWNER_PICKER = 'KamajiOwnerPicker';

function groupOption(group: Entity, mine: string[]): PickerOption {
  const ref = stringifyEntityRef(group);
  const title =
    (group.spec as { profile?: { displayName?: string } } | undefined)?.profile
      ?.displayName ?? group.metadata.title;
  return {
    value: ref,
    label: title ? `${title} (${ref})` : ref,
    details: [isOwnerAmong(ref, mine) ? 'one of your groups' : 'another team'],
  };
}

/** What the signed-in user may pick: their own groups, or any group for fleet admins. */
function useOwnerChoices() {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const configApi = useApi(configApiRef);
  return useAsyncRetry(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const mine = ownershipEntityRefs;
    const admin = isFleetAdmin(configApi, ownershipEntityRefs);
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    const groups = items
      .filter(g => admin || isOwnerAmong(stringifyEntityRef(g), mine))
      .sort((a, b) => {
        const own =
          Number(isOwnerAmong(stringifyEntityRef(b), mine)) -
          Number(isOwnerAmong(stringifyEntityRef(a), mine));
        return (
          own || stringifyEntityRef(a).localeCompare(stringifyEntityRef(b))
        );
      });
    const ownGroups = ownershipEntityRefs.filter(r => ownerEntityRef(r));
    return {
      admin,
      ownGroups,
      options: groups.map(g => groupOption(g, mine)),
    };
  }, [catalogApi, identityApi, configApi]);
}

/**
 * Picks the catalog group that owns a new cluster. It starts with the user's own group; only
 * fleet admins (`kamaji.scaffolder.fleetAdminGroups`) see and may pick every group, the rule
 * the actions' owner check applies.
 */
export function OwnerPicker(props: FieldExtensionComponentProps<string, {}>) {
  const choices = useOwnerChoices();
  const { formData, onChange } = props;
  const firstOwn = choices.value?.options.find(o =>
    isOwnerAmong(o.value, choices.value!.ownGroups),
  )?.value;

  // Preselect once: a user who clears the field is not overruled.
  const preselected = useRef(false);
  useEffect(() => {
    if (preselected.current || !firstOwn) return;
    preselected.current = true;
    if (!formData) onChange(firstOwn);
  }, [formData, firstOwn, onChange]);

  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Owner')}
      choices={{
        options: choices.value?.options ?? [],
        loading: choices.loading,
        error: choices.error,
        retry: choices.retry,
        what: 'groups',
        emptyText:
          'You are in no catalog group, so you cannot own a cluster: ask the platform team to add you to your team.',
      }}
    />
  );
}

/** The owner is a group, and one of the user's own unless the user is a fleet admin. */
export const ownerPickerValidation: CustomFieldValidator<string, {}> = async (
  value,
  validation,
  context,
) => {
  if (!value) return;
  const title = fieldTitle(context.schema, 'Owner');
  const owner = parseClusterOwner(value);
  if ('problem' in owner) {
    validation.addError(`${title}: ${owner.problem}`);
    return;
  }
  const ref = owner.entityRef;
  const identityApi = context.apiHolder.get(identityApiRef);
  const configApi = context.apiHolder.get(configApiRef);
  if (!identityApi || !configApi) return;
  const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
  if (isFleetAdmin(configApi, ownershipEntityRefs)) return;
  if (!isOwnerAmong(ref, ownershipEntityRefs)) {
    const own = ownershipEntityRefs.filter(r => ownerEntityRef(r));
    validation.addError(
      `${title}: you may only pick one of your own groups (${
        own.length ? own.join(', ') : 'you are in no group'
      }), not '${ref}'; a fleet admin can pick any group`,
    );
  }
};
