"""Vietnamese formats: dates typed and shown as dd/mm/yyyy everywhere, the back office included.

Read through settings.FORMAT_MODULE_PATH before Django's own locale files; what is not set here
comes from Django's Vietnamese formats.
"""

# Typed dates: dd/mm/yyyy first (the form widgets show it); yyyy-mm-dd is what a browser's date
# picker posts. Never mm/dd/yyyy: "01/03/1980" is 1 March 1980.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
FIRST_DAY_OF_WEEK = 1  # Monday

# 9.300 and 95,9 (chibo.core.vn writes the figures the same way)
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
