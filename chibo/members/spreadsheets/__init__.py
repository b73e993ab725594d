"""Members as .xlsx, by job: the column layout both directions share (layout), reading an
upload (reading: the file's shape, safely), checking its rows against the register's rules
(checking), and writing the blank template and a list in the same layout (writing). The rows
that pass are written by members.services.members_import, in one audited transaction."""
