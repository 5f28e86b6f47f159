"""Matter and delegation pages, one module per part: matters (with their parties, consent,
conflict checks, screens and documents), tasks (board, task page, my tasks), and the shared
way a refusal comes back to the page that asked."""
