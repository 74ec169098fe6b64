/**
 * Something wrong with an object the fleet backend read: a missing or malformed field, or a
 * reference that leads nowhere. The object is skipped or flagged (its node's health says so);
 * it never stops the model.
 *
 * @public
 */
export interface FleetProblem {
  /** Where the object lives: a management cluster name or an island id. */
  cluster: string;
  /** `Kind namespace/name` of the object. */
  object: string;
  /** Short and credential-free. */
  message: string;
}
