"""`motia deploy` / `motia destroy` through CloudFormation change sets, with boto3 only.

What flows through it: a cloud assembly (`cdk.out`) -> the uploads its asset manifest asks
for (`assembly`, `archive`) -> a change set, described as a readable plan (`changes`) ->
stack events rendered as progress and, on failure, the first failed resource (`events`).
Those modules are pure. The boto3 edge is `aws` (sessions, errors as one line), `publish`
(asset bucket and uploads) and `stack` (change sets, events, deletion).
"""
