"""Demo data for intake (issue 8), one module per part: intake forms and 60 leads across the
pipeline, a week of reception log and shifts with one gap, availability and booked consultations."""
