"""fwfulfill: create Fourthwall fulfillments from the command line and from tracking CSVs."""

__version__ = "0.1.0"
