"""Monthly cell meetings, by resource.

The meeting itself: models (a package: rules, meeting, member, officials), schedule (which rule,
which day), lifecycle (planning a meeting, and the lock and confirmed-record guard every write
takes), selectors (the reads the features share: the scoped meeting_or_404, the roll call, the
follows, the targets' progress), materials (what a file may be), fields, indicators and lists
(registered with core's registry), urls, admin.

The features, each a sub-package with its services, selectors, forms, views and urls:
record (a cell's meetings and the secretary's record), prepare (agenda, materials, invitations,
targets), oversight (the month, the district overview, the review, the indicator lists),
documents (minutes and resolution), member (a member's page, tasks, inbox, calendar feeds),
officials (the officials who follow cells and the organizations that help villages).
"""
