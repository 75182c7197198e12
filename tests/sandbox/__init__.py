"""Tests of fwfulfill.sandbox, the local fake of the Fourthwall Open API."""
