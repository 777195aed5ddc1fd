"""The reviewer's core, one for every skin: who may see which unit, a round's states and
counts, returning and approving a report, reminding now. The chat's reviewer commands and the
web console call these and only render what they return."""
