"""Case-file audits: a family's documents read together against the Safe & Together criteria."""
