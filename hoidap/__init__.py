"""hoidap: cited answers from Vietnamese policy documents."""

__version__ = "0.1.0"
