"""Documents that leave the puskesmas: referral letter, mother's card, register export, monthly report."""
