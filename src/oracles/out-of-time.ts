/**
 * Thrown when a campaign's --time runs out in the middle of a step: a SUT request that its own
 * timeout would have let run on was cut at the deadline, or a request was about to start past it.
 * What was cut is no verdict: the campaign ends the step where it is and stops.
 */
export class OutOfTime extends Error {
  constructor() {
    super("the campaign's --time ran out");
    this.name = 'OutOfTime';
  }
}
