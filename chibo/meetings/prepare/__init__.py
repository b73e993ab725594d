"""The committee's preparation of a meeting: topic and day, agenda, materials, invitations and the
cell's targets of the year."""
