"""From what the user asked for and the shop's orders to a checked plan of fulfillments."""
